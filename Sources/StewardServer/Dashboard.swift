/// The dashboard page served at `/`: hand-written HTML and JavaScript over `/api/v1/status`.
///
/// It asks once for an API token (kept in the browser's local storage, or taken from a
/// `#token=…` fragment) and refreshes every
/// two seconds: services per environment with their release and ready instances, the
/// deployment in progress, dependencies, the latest runbook runs (a run waiting for approval can
/// be approved there, by a user with the approver role), and the latest events. The newest
/// backups (age, size, rows, whether and when verified, work running) and recovery drills (outcome,
/// RTO and RPO achieved) are read every 15 seconds instead (a bucket store is listed each time), and
/// every two while a backup operation runs.
///
/// A blue/green or canary deployment in progress gets a card of its own, polled every second
/// from `/api/v1/deployments/{id}/metrics?window=10s`: the step, the weights, each release's
/// numbers, the rules' latest verdicts, and three small charts drawn by the page as inline SVG
/// (the new release's weight, and each release's error rate and p95 over time). Each chart is an
/// `<svg class="chart" data-deployment="ID" data-metric="weight|error-rate|p95">` with one
/// `<polyline class="series" data-release="ROLE" data-points="N">` per release; the series live
/// in the page only (a reload starts them over).
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
    #rollouts{display:none} .rollout{border-top:1px solid #eef0f3;padding:8px 0}.rollout:first-of-type{border-top:0}
    .rollout h3{font-size:14px;margin:0 0 4px}.rollout .note{color:#5f6b7a;font-size:12px}
    .bar{display:flex;height:14px;border-radius:4px;overflow:hidden;margin:6px 0;max-width:660px;font-size:11px;line-height:14px;color:#fff}
    .bar .stable{background:#5b7fa6;text-align:left;padding-left:4px}.bar .new{background:#e0882b;text-align:right;padding-right:4px}
    .charts{display:flex;flex-wrap:wrap;gap:12px;margin:6px 0}.chart{background:#fbfcfd;border:1px solid #eef0f3;border-radius:6px}
    .chart text{font-size:10px;fill:#5f6b7a}.chart .title{font-size:11px;fill:#1d232b;font-weight:600}
    .series{fill:none;stroke-width:1.8}.series.stable{stroke:#5b7fa6}.series.new{stroke:#e0882b}
    .legend-stable{color:#5b7fa6;font-weight:600}.legend-new{color:#e0882b;font-weight:600}
    </style></head><body>
    <header><h1>Steward</h1><span id="stack">…</span><span id="agent"></span></header>
    <main>
    <section id="token"><label>API token: <input id="tokenInput" placeholder="stw_…"></label><button onclick="saveToken()">Use</button></section>
    <section id="rollouts"><h2>Rollouts</h2><div id="rolloutCards"></div></section>
    <section><h2>Services</h2><table><thead><tr><th>Service</th><th>Environment</th><th>Release</th><th>Ready</th><th>Instances</th><th>Deployment</th></tr></thead><tbody id="services"></tbody></table></section>
    <section><h2>Dependencies</h2><table><tbody id="deps"></tbody></table></section>
    <section><h2>Runbook runs</h2><table><tbody id="runs"></tbody></table></section>
    <section><h2>Backups</h2><table><thead><tr><th>Backup</th><th>Environment</th><th>Taken</th><th>Size</th><th>Rows</th><th>Checked</th></tr></thead><tbody id="backups"></tbody></table></section>
    <section><h2>Recovery drills</h2><table><thead><tr><th>Drill</th><th>Environment</th><th>Started</th><th>Outcome</th><th>RTO achieved</th><th>RPO achieved</th></tr></thead><tbody id="drills"></tbody></table></section>
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
        trackRollouts(s.services); drawRollouts();
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
        refreshSafety();
        const ev = await get("/api/v1/events?limit=15");
        document.getElementById("events").innerHTML = ev.reverse().map(e =>
          `<tr><td>#${e.seq}</td><td>${esc(e.time)}</td><td><code>${esc(e.type)}</code></td><td>${esc(e.subject)}</td><td>${esc(e.actor)}</td></tr>`).join("");
      } catch (e) {}
    }
    // Backups and drills: read every 15 s (a store in a bucket is listed each time), and at once while one runs.
    let safetyRead = 0, safetyBusy = false;
    const age = t => { const s = Math.max(0, (Date.now() - Date.parse(t)) / 1000);
      return s < 120 ? Math.round(s) + " s ago" : s < 7200 ? Math.round(s / 60) + " min ago" : s < 172800 ? Math.round(s / 3600) + " h ago" : Math.round(s / 86400) + " days ago"; };
    const bytes = n => n >= 1073741824 ? (n / 1073741824).toFixed(1) + " GiB" : n >= 1048576 ? (n / 1048576).toFixed(1) + " MiB" : Math.round(n / 1024) + " KiB";
    const span = s => s == null ? "—" : s < 120 ? s.toFixed(1) + " s" : (s / 60).toFixed(1) + " min";
    async function refreshSafety(){
      if (!safetyBusy && Date.now() - safetyRead < 15000) return;
      safetyRead = Date.now();
      try {
        const backups = (await get("/api/v1/backups")).slice(0, 8);
        safetyBusy = backups.some(b => b.operation && b.operation.state === "running");
        document.getElementById("backups").innerHTML = backups.map(b => {
          const m = b.manifest, op = b.operation;
          const rows = m ? m.tables.reduce((sum, t) => sum + t.rows, 0) : null;
          const check = op && op.state === "running" ? `<span class="warn">${esc(op.kind)} running</span>`
            : op && op.state === "failed" ? `<span class="bad">${esc(op.kind)} failed</span> ${esc(op.error || "")}`
            : b.verification ? (b.verification.passed ? '<span class="ok">verified</span> ' + esc(age(b.verification.verifiedAt))
              : '<span class="bad">verification failed</span> ' + esc((b.verification.failures || []).join("; ")))
            : '<span class="warn">not verified</span>';
          const state = op && op.state !== "succeeded" ? op.kind + "-" + op.state : b.verification ? (b.verification.passed ? "verified" : "unverified") : "unchecked";
          return `<tr data-backup="${esc(b.id)}" data-state="${esc(state)}"><td><code>${esc(b.id)}</code></td><td>${esc(b.environment)}/${esc(b.dependency)}</td>
            <td>${m ? esc(age(m.createdAt)) : "—"}</td><td>${m ? bytes(m.sizeBytes) : op ? bytes(op.bytes) + " so far" : "—"}</td>
            <td>${rows == null ? "—" : rows.toLocaleString() + " in " + m.tables.length + " tables"}</td><td>${check}</td></tr>`;
        }).join("") || '<tr><td colspan="6">no backups yet: <code>steward backup create DEPENDENCY --env ENV</code></td></tr>';
      } catch (e) { document.getElementById("backups").innerHTML = `<tr><td colspan="6">${e.message === "token" ? "" : "backups cannot be listed here (they need the viewer role, and a stack with postgres dependencies)"}</td></tr>`; }
      try {
        const drills = await get("/api/v1/drills?limit=5");
        document.getElementById("drills").innerHTML = drills.map(d => {
          const cls = d.outcome === "met" ? "ok" : d.outcome === "missed" || d.state === "failed" ? "bad" : "warn";
          return `<tr data-drill="${esc(d.id)}" data-outcome="${esc(d.outcome || d.state)}"><td><code>${esc(d.id)}</code></td><td>${esc(d.environment)}</td><td>${d.startedAt ? esc(age(d.startedAt)) : "—"}</td>
            <td class="${cls}">${esc(d.outcome || d.state)}${d.error ? " — " + esc(d.error) : ""}</td><td>${span(d.rtoSeconds)}</td><td>${span(d.rpoSeconds)}</td></tr>`;
        }).join("") || '<tr><td colspan="6">no drills yet: <code>steward drill dr --env ENV</code></td></tr>';
      } catch (e) { document.getElementById("drills").innerHTML = '<tr><td colspan="6">drills need the viewer role</td></tr>'; }
    }
    // Rollouts: every blue/green or canary deployment seen running gets a card, measured each second.
    const rollouts = new Map();  // id -> {deployment, samples: [{t, weight, releases: {role: {...}}}], metrics, note, done}
    function trackRollouts(services){
      for (const v of services) {
        const d = v.deployment;
        if (!d || !d.rollout) continue;
        const known = rollouts.get(d.id);
        if (known) { known.deployment = d; continue; }
        if (d.phase === "succeeded" || d.phase === "failed") continue;  // finished before this page saw it
        rollouts.set(d.id, {deployment: d, where: v.service + " in " + v.environment, samples: [], metrics: null, note: "", done: false});
      }
    }
    async function measureRollouts(){
      for (const r of rollouts.values()) {
        if (r.done) continue;
        const res = await fetch(`/api/v1/deployments/${r.deployment.id}/metrics?window=10s`,
          {headers:{Authorization:"Bearer " + (localStorage.stewardToken||"")}});
        const body = await res.json().catch(() => ({}));
        if (!res.ok) { r.note = "no live numbers: " + ((body.error||{}).message || res.status); if (res.status === 409) r.done = true; continue; }
        r.metrics = body; r.note = "";
        const sample = {t: Date.now(), weight: body.weight ?? null, releases: {}};
        for (const rel of body.releases) sample.releases[rel.role] = rel;
        r.samples.push(sample); if (r.samples.length > 300) r.samples.shift();
        if (body.phase === "succeeded" || body.phase === "failed") r.done = true;
      }
      drawRollouts();
    }
    const pct = v => v == null ? "—" : (v * 100).toFixed(v * 100 === Math.round(v * 100) ? 0 : 2) + "%";
    const ms = v => v == null ? "—" : v < 1000 ? Math.round(v) + "ms" : (v / 1000).toFixed(2) + "s";
    // A small line chart: one polyline per series, the y axis from 0 to the largest value (at least `floor`).
    function chart(id, metric, title, series, format, floor){
      const W = 300, H = 122, L = 44, R = 8, T = 32, B = 16;
      const all = series.flatMap(s => s.points.map(p => p[1]));
      const ts = series.flatMap(s => s.points.map(p => p[0]));
      const max = Math.max(floor, ...all), t0 = Math.min(...ts, Date.now()), t1 = Math.max(...ts, t0 + 1000);
      const x = t => L + (t - t0) / (t1 - t0) * (W - L - R), y = v => T + (1 - v / max) * (H - T - B);
      const lines = series.map(s => `<polyline class="series ${s.role === "stable" ? "stable" : "new"}" data-release="${esc(s.role)}" data-points="${s.points.length}"
        points="${s.points.map(p => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1)).join(" ")}"><title>${esc(s.role)}</title></polyline>`).join("");
      const last = series.map(s => s.points.length ? `${esc(s.role)} ${format(s.points[s.points.length - 1][1])}` : "").filter(Boolean).join(" · ");
      return `<svg class="chart" data-deployment="${id}" data-metric="${metric}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
        <text class="title" x="${L}" y="12">${esc(title)}</text><text class="last" x="${L}" y="25">${last}</text>
        <line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#dfe3e8"/><line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#dfe3e8"/>
        <text x="${L - 4}" y="${T + 8}" text-anchor="end">${format(max)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end">${format(0)}</text>
        <text x="${W - R}" y="${H - 3}" text-anchor="end">${Math.round((t1 - t0) / 1000)}s</text>${lines}</svg>`;
    }
    function stepText(d){
      const steps = d.rollout.steps.map(st => "smoke" in st ? "smoke" : "weight" in st ? `weight ${st.weight}%` : "pause" in st ? (st.pause ? `pause ${st.pause}` : "pause until promoted") : "analysis: " + st.analysis.join(", "));
      const left = d.wakeAt ? Math.max(0, Math.ceil((Date.parse(d.wakeAt) - Date.now()) / 1000)) + "s" : "";
      if (d.phase === "warm") return "warm: all traffic on the new release, the previous one kept for an instant rollback" + (left ? ` (stops in ${left})` : "");
      if (d.phase !== "rolling") return d.phase;
      if (d.step >= steps.length) return `step ${steps.length}/${steps.length}`;
      const st = d.rollout.steps[d.step], pause = "pause" in st;
      return `step ${d.step + 1}/${steps.length}: ${steps[d.step]}` + (pause && left ? ` (ends in ${left})` : pause && !st.pause ? ` (steward promote ${d.id})` : "");
    }
    function drawRollouts(){
      const cards = [...rollouts.values()].sort((a, b) => b.deployment.id - a.deployment.id).map(r => {
        const d = r.deployment, m = r.metrics, name = d.rollout.strategy === "blue-green" ? "green" : "canary";
        const roles = m ? m.releases.map(rel => rel.role) : [];
        const seriesOf = f => roles.map(role => ({role, points: r.samples.filter(s => s.releases[role] && f(s.releases[role]) != null).map(s => [s.t, f(s.releases[role])])}));
        const weight = d.weight ?? 0, cls = d.phase === "failed" ? "bad" : d.phase === "succeeded" ? "ok" : "warn";
        const rows = m ? m.releases.map(rel => `<tr><td class="${rel.role === "stable" ? "legend-stable" : "legend-new"}">${esc(rel.role)} r${rel.release}</td><td>${rel.weight ?? ""}%</td>
          <td>${rel.requests}</td><td>${pct(rel.errorRate)}</td><td>${ms(rel.p95Ms)}</td><td>${ms(rel.p99Ms)}</td><td>${rel.requestsPerSecond.toFixed(1)}/s</td></tr>`).join("") : "";
        const rules = m ? m.rules.map(rule => `<tr><td><code>${esc(rule.rule)}</code></td><td>${rule.kind === "rollback" ? "rollback rule" : "analysis of step " + (rule.step + 1)}</td>
          <td class="${rule.verdict === "passing" ? "ok" : rule.verdict === "failing" ? "bad" : "warn"}">${esc(rule.verdict)}</td><td>${esc(rule.detail)}</td></tr>`).join("") : "";
        return `<div class="rollout" data-deployment="${d.id}"><h3>#${d.id} ${esc(d.rollout.strategy)} of ${esc(r.where)}
          · r${d.previousRelease ?? "—"} → r${d.release} · <span class="${cls}">${esc(d.phase)}</span></h3>
          <div>${esc(stepText(d))}${d.reason ? " — " + esc(d.reason) : ""}</div>
          <div class="bar"><div class="stable" style="width:${100 - weight}%">${100 - weight > 8 ? "stable " + (100 - weight) + "%" : ""}</div><div class="new" style="width:${weight}%">${weight > 8 ? esc(name) + " " + weight + "%" : ""}</div></div>
          ${m ? `<div class="charts">${chart(d.id, "weight", name + " weight", [{role: name, points: r.samples.filter(s => s.weight != null).map(s => [s.t, s.weight])}], v => Math.round(v) + "%", 100)}
            ${chart(d.id, "error-rate", "error rate (last " + m.windowSeconds + "s)", seriesOf(rel => rel.errorRate), pct, 0.01)}
            ${chart(d.id, "p95", "p95 latency (last " + m.windowSeconds + "s)", seriesOf(rel => rel.p95Ms), ms, 10)}</div>
            <table><thead><tr><th>Release</th><th>Weight</th><th>Requests</th><th>Errors</th><th>p95</th><th>p99</th><th>Rate</th></tr></thead><tbody>${rows}</tbody></table>
            ${rules ? `<table><tbody>${rules}</tbody></table>` : ""}` : ""}
          ${r.note ? `<div class="note">${esc(r.note)}</div>` : ""}</div>`;
      });
      document.getElementById("rollouts").style.display = cards.length ? "block" : "none";
      document.getElementById("rolloutCards").innerHTML = cards.join("");
    }
    async function approve(id){
      const r = await fetch(`/api/v1/runbook-runs/${id}/approve`, {method:"POST", headers:{Authorization:"Bearer " + (localStorage.stewardToken||"")}});
      if (!r.ok) alert((await r.json()).error.message);
      refresh();
    }
    refresh(); setInterval(refresh, 2000);
    setInterval(() => measureRollouts().catch(() => {}), 1000);
    </script></body></html>
    """#
}
