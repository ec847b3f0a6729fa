#ifndef C_STEWARD_SPAWN_H
#define C_STEWARD_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` in a new process group, in `directory` (may be NULL),
/// with stdin from /dev/null and stdout/stderr appended to `stdout_fd`/`stderr_fd`.
/// Signal dispositions and the signal mask are reset to defaults and every other descriptor
/// is closed in the child, so a supervisor's sockets never leak into its instances.
/// Returns 0 and sets `*pid`, or an errno value.
int steward_spawn(const char *path, char *const argv[], char *const envp[], const char *directory,
                  int stdout_fd, int stderr_fd, pid_t *pid);

/// The exit code of a wait status, or 128 + signal number when a signal ended it.
int steward_exit_code(int status);

/// Blocks until the child `pid` has exited, WITHOUT reaping it (waitid with WNOWAIT), so its pid
/// (and process group id) stay reserved until the caller reaps it. Retries on EINTR.
/// Returns 0 when it exited, -1 when it is not our child (errno ECHILD) or on error.
int steward_wait_exit(pid_t pid);

/// Reaps the exited child `pid` (blocking waitpid, retried on EINTR). Returns the exit code as
/// `steward_exit_code` does, or -1 when it could not be reaped.
int steward_reap(pid_t pid);

/// A pidfd for `pid` (Linux 5.3+), or -1 with errno set (ENOSYS on older kernels).
int steward_pidfd_open(pid_t pid);

/// Sends `signal` through a pidfd: it never reaches a process that merely reuses the pid.
/// Returns 0, or -1 with errno set.
int steward_pidfd_send_signal(int pidfd, int signal);

/// Blocks until `fd` is readable (a pidfd is readable once its process exited); retries on EINTR.
/// Returns 0, or -1 on error.
int steward_wait_readable(int fd);

#endif
