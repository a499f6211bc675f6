/** A minimal live status page, served at / when the dashboard has not been built. */
export function statusPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Pressroom</title>
<style>body{font:16px system-ui,sans-serif;margin:1rem;background:#111;color:#eee}table{border-collapse:collapse}td,th{padding:.3rem .7rem;border-bottom:1px solid #333;text-align:left}</style>
</head><body><h1>Pressroom</h1><p>The dashboard is not built (run <code>npm run build</code>); live status from <code>/api/presses</code>:</p>
<table><thead><tr><th>Press</th><th>Link</th><th>State</th><th>Speed (sheets/h)</th><th>Good</th><th>Waste</th><th>Paper %</th><th>Ink %</th></tr></thead><tbody id="rows"></tbody></table>
<script>
async function refresh(){try{const r=await fetch('/api/presses');const list=await r.json();
document.getElementById('rows').replaceChildren(...list.map(p=>{const tr=document.createElement('tr');
const cells=[p.name,p.link.kind+' #'+p.link.unitId,p.state+(p.stopReason?' ('+p.stopReason+')':''),p.speed??'-',p.counters.good,p.counters.waste,p.paper.level?.toFixed(1)??'-',p.ink.map(i=>i.color+' '+(i.level?.toFixed(0)??'-')).join(', ')];
for(const c of cells){const td=document.createElement('td');td.textContent=String(c);tr.append(td)}return tr}))}catch(e){}}
refresh();setInterval(refresh,1000);
</script></body></html>`;
}
