/// The dashboard page served at `/`: hand-written HTML and JavaScript over `/api/v1/status`.
///
/// It asks once for an API token (kept in the browser's local storage, or taken from a
/// `#token=…` fragment) and refreshes every
/// two seconds: services per environment with their release and ready instances, the
/// deployment in progress, dependencies, the latest runbook runs (a run waiting for approval can
/// be approved there, by a user with the approver role), and the latest events.
enum Dashboard {
    static let html = #"""
    <!doctype html>
    <html lang="en"><head><meta charset="utf-8"><title>Steward</title>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>
    body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d232b}
    header{background:#1d232b;color:#fff;padding:12px 24px;display:flex;gap:16px;align-items:baseline}
    header h1{font-size:18px;margin:0} header span{opacity:.75} header .ok{color:#7ee2a8} header .bad{color:#ff8a80}
    main{padding:16px 24px;display:grid;gap:16px}
    section{background:#fff;border:1px solid #dfe3e8;border-radius:8px;padding:12px 16px}
    h2{font-size:15px;margin:0 0 8px}
    table{border-collapse:collapse;width:100%} td,th{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3}
    .ok{color:#137333;font-weight:600}.bad{color:#b3261e;font-weight:600}.warn{color:#a05a00;font-weight:600}
    .step{display:inline-block;padding:0 6px;margin:1px;border-radius:4px;background:#eef0f3;font-size:12px}
    .step.succeeded,.step.carried{background:#d7f5e3}.step.failed,.step.interrupted{background:#fde0dd}.step.running{background:#fff1c7}
    code{font-size:12px} #token{display:none;gap:8px} input{padding:4px 8px;width:420px}
    </style></head><body>
    <header><h1>Steward</h1><span id="stack">…</span><span id="agent"></span></header>
    <main>
    <section id="token"><label>API token: <input id="tokenInput" placeholder="stw_…"></label><button onclick="saveToken()">Use</button></section>
    <section><h2>Services</h2><table><thead><tr><th>Service</th><th>Environment</th><th>Release</th><th>Ready</th><th>Instances</th><th>Deployment</th></tr></thead><tbody id="services"></tbody></table></section>
    <section><h2>Dependencies</h2><table><tbody id="deps"></tbody></table></section>
    <section><h2>Runbook runs</h2><table><tbody id="runs"></tbody></table></section>
    <section><h2>Recent events</h2><table><tbody id="events"></tbody></table></section>
    </main>
    <script>
    // `/#token=…` (printed by `steward demo`) signs in without typing; the fragment never reaches the server.
    const fragment = location.hash.match(/token=([^&]+)/);
    if (fragment) { localStorage.stewardToken = fragment[1]; history.replaceState(null, "", location.pathname); }
    const esc = s => String(s ?? "").replace(/[&<>"]/g, c => ({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c]));
    function saveToken(){ localStorage.stewardToken = document.getElementById("tokenInput").value.trim(); refresh(); }
    async function get(path){
      const r = await fetch(path, {headers:{Authorization:"Bearer " + (localStorage.stewardToken||"")}});
      if (r.status === 401) { document.getElementById("token").style.display = "flex"; throw new Error("token"); }
      return r.json();
    }
    async function refresh(){
      try {
        const s = await get("/api/v1/status");
        document.getElementById("token").style.display = "none";
        document.getElementById("stack").textContent = "stack " + (s.stack || "(none)");
        document.getElementById("agent").innerHTML = s.agent.reachable ? '<span class="ok">agent up</span>' : '<span class="bad">agent unreachable</span>';
        document.getElementById("services").innerHTML = s.services.map(v => {
          const d = v.deployment; const phase = d ? d.phase : "";
          const cls = phase === "failed" ? "bad" : phase === "succeeded" ? "ok" : "warn";
          const inst = v.instances.map(i => `<code>${esc(i.id)}</code> <a href="${esc(i.url)}/api/health/healthz">:${i.port}</a> ${i.ready ? '<span class="ok">ready</span>' : '<span class="warn">' + esc(i.state) + '</span>'}`).join("<br>");
          return `<tr><td>${esc(v.service)}</td><td>${esc(v.environment)}</td><td>${v.release ? "r" + v.release + " · " + esc(v.version) : "—"}</td>
            <td class="${v.ready >= v.desired && v.desired > 0 ? "ok" : "warn"}">${v.ready}/${v.desired}</td><td>${inst}</td>
            <td>${d ? `<span class="${cls}">#${d.id} ${esc(phase)}</span> ${esc(d.reason || "")}` : ""}</td></tr>`;
        }).join("") || '<tr><td colspan="6">nothing deployed yet: <code>steward deploy SERVICE --env ENV --version V</code></td></tr>';
        document.getElementById("deps").innerHTML = s.dependencies.map(d =>
          `<tr><td>${esc(d.name)}</td><td class="${d.up ? "ok" : "bad"}">${d.up ? "up" : "down"}</td><td>${esc(d.message)}</td></tr>`).join("") || "<tr><td>none declared</td></tr>";
        try {
          const runs = (await get("/api/v1/runbook-runs")).slice(0, 8);
          document.getElementById("runs").innerHTML = runs.map(r => {
            const cls = r.phase === "succeeded" ? "ok" : r.phase === "failed" || r.phase === "canceled" ? "bad" : "warn";
            const steps = r.steps.map(st => `<span class="step ${esc(st.state)}" title="${esc(st.display || st.note || "")}">${esc(st.name)}</span>`).join("");
            const act = r.phase === "awaiting-approval" ? ` <button onclick="approve(${r.id})">Approve</button>` : "";
            return `<tr><td>#${r.id}</td><td>${esc(r.runbook.name)}</td><td>${esc(r.environment)}</td><td>${esc(r.startedBy)}</td>
              <td class="${cls}">${esc(r.phase)}${act}</td><td>${steps}</td><td>${esc(r.reason || "")}</td></tr>`;
          }).join("") || '<tr><td>no runs yet: <code>steward runbook run NAME --env ENV</code></td></tr>';
        } catch (e) { document.getElementById("runs").innerHTML = "<tr><td>runbook runs need the viewer role in every environment</td></tr>"; }
        const ev = await get("/api/v1/events?limit=15");
        document.getElementById("events").innerHTML = ev.reverse().map(e =>
          `<tr><td>#${e.seq}</td><td>${esc(e.time)}</td><td><code>${esc(e.type)}</code></td><td>${esc(e.subject)}</td><td>${esc(e.actor)}</td></tr>`).join("");
      } catch (e) {}
    }
    async function approve(id){
      const r = await fetch(`/api/v1/runbook-runs/${id}/approve`, {method:"POST", headers:{Authorization:"Bearer " + (localStorage.stewardToken||"")}});
      if (!r.ok) alert((await r.json()).error.message);
      refresh();
    }
    refresh(); setInterval(refresh, 2000);
    </script></body></html>
    """#
}
