using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using LlmClusters.Core.Model;

namespace LlmClusters.Core.Reports;

/// <summary>
/// Writes one self-contained HTML page for a run: a map of its items (x, y) coloured by cluster with noise in grey, a
/// hover card and click-through to PostHog, a sortable metrics table and each cluster's description. It needs no
/// network: the script and styles are inline, and the map is drawn on a canvas from compact arrays, so a run of
/// 100,000 items stays a few megabytes and draws at once.
/// </summary>
public static class ClusterReportWriter
{
    private static readonly string[] Palette =
        ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173"];

    public const string NoiseColour = "#9e9e9e";

    public static string Write(RunClusters run, IReadOnlyList<ClusterItem> items, Uri postHogHost)
    {
        var clusters = run.Clusters;
        var index = clusters.Select((c, i) => (c.ClusterId, i)).ToDictionary(p => p.ClusterId, p => p.i);
        var colours = clusters.Select((c, i) => c.IsNoise ? NoiseColour : Palette[i % Palette.Length]).ToArray();
        var placed = items.Where(i => i.X is not null && i.Y is not null && index.ContainsKey(i.ClusterId)).ToList();
        var team = ClusterRunId.TryParse(run.Run.RunId, out var runId, out _) ? runId.TeamId : run.Run.TeamId;
        var data = new
        {
            run = run.Run.RunId,
            traceBase = PostHogLinks.TraceBase(postHogHost, team),
            clusters = clusters.Select((c, i) => new { id = c.ClusterId, title = c.Title, colour = colours[i], url = c.UiUrl }),
            x = placed.Select(i => Math.Round(i.X!.Value, 3)),
            y = placed.Select(i => Math.Round(i.Y!.Value, 3)),
            c = placed.Select(i => index[i.ClusterId]),
            r = placed.Select(i => i.Rank ?? -1),
            // Each item's link is built in the page from these (as ClusterReader.ItemLink builds it), which keeps a
            // run of 100,000 items a few megabytes: the trace (null: no link), the generation to open, the time in
            // epoch milliseconds (as precise as the links' ISO time).
            t = placed.Select(i => i.TraceId),
            e = placed.Select(i => i.Level == ClusterLevel.trace ? null : i.GenerationId),
            s = placed.Select(i => (i.Timestamp ?? i.WindowStart) is { } at ? (long?)new DateTimeOffset(UtcTime.From(at)).ToUnixTimeMilliseconds() : null),
        };
        // The default encoder escapes <, > and &, so no title can close the script element.
        var json = JsonSerializer.Serialize(data);

        var html = new StringBuilder(json.Length + 16_384);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(Encode($"Clusters of {run.Run.RunId}")).Append("</title>\n<style>").Append(Style).Append("</style></head>\n<body>\n")
            .Append("<h1>").Append(Encode(run.Run.RunId)).Append("</h1>\n<p class=\"meta\">")
            .Append(Encode($"{run.Run.Level}-level run · window {run.Run.WindowStart:yyyy-MM-dd HH:mm} – {run.Run.WindowEnd:yyyy-MM-dd HH:mm} UTC · {clusters.Count} clusters · {placed.Count:N0} items"))
            .Append(" · <a href=\"").Append(Encode(run.Run.UiUrl)).Append("\">open in PostHog</a></p>\n")
            .Append("<div id=\"plot\"><canvas id=\"map\" width=\"900\" height=\"600\"></canvas><div id=\"card\" hidden></div></div>\n<ul class=\"legend\">");
        for (var i = 0; i < clusters.Count; i++)
            html.Append("<li><span style=\"background:").Append(colours[i]).Append("\"></span>").Append(Encode($"{clusters[i].ClusterId}: {clusters[i].Title}")).Append("</li>");
        html.Append("</ul>\n<table id=\"metrics\"><thead><tr>");
        foreach (var header in new[] { "Cluster", "Title", "Size", "Items", "Error rate", "Avg cost", "Total cost", "Avg latency (s)", "Avg tokens" })
            html.Append("<th>").Append(Encode(header)).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var c in clusters)
        {
            html.Append("<tr><td data-v=\"").Append(c.ClusterId.ToString(CultureInfo.InvariantCulture)).Append("\">").Append(c.ClusterId.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td><a href=\"").Append(Encode(c.UiUrl)).Append("\">").Append(Encode(c.Title)).Append("</a><div class=\"description\">")
                .Append(Encode(c.Description ?? "")).Append("</div></td>");
            Cell(html, c.Size, "N0");
            Cell(html, c.ItemCount, "N0");
            Cell(html, c.ErrorRate, "P1");
            Cell(html, c.AvgCost, "0.00000");
            Cell(html, c.TotalCost, "0.0000");
            Cell(html, c.AvgLatency, "0.00");
            Cell(html, c.AvgTokens, "N0");
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n<script type=\"application/json\" id=\"data\">").Append(json).Append("</script>\n<script>").Append(Script).Append("</script>\n</body></html>\n");
        return html.ToString();
    }

    private static void Cell(StringBuilder html, double? value, string format) =>
        html.Append("<td data-v=\"").Append(value?.ToString("R", CultureInfo.InvariantCulture) ?? "").Append("\">")
            .Append(value is { } v ? Encode(v.ToString(format, CultureInfo.InvariantCulture)) : "").Append("</td>");

    private static void Cell(StringBuilder html, long? value, string format) => Cell(html, (double?)value, format);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px;margin:0}.meta{color:#666}
        #plot{position:relative;display:inline-block;border:1px solid #ddd}#card{position:absolute;pointer-events:none;background:#fff;border:1px solid #999;padding:6px 8px;font-size:12px;max-width:320px;box-shadow:0 2px 6px #0003}
        .legend{list-style:none;padding:0;columns:2}.legend span{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px}
        table{border-collapse:collapse;margin-top:16px}th,td{border-bottom:1px solid #eee;padding:4px 8px;text-align:left;vertical-align:top}th{cursor:pointer;background:#f6f6f6}
        td[data-v]{font-variant-numeric:tabular-nums}.description{color:#666;font-size:12px;white-space:pre-wrap;max-width:520px}
        """;

    // Draws every item, finds the nearest item under the pointer through a coarse grid, and sorts the table by column.
    // An item's link is built as PostHogLinks builds it (esc escapes as Uri.EscapeDataString does).
    private const string Script = """
        const d=JSON.parse(document.getElementById('data').textContent),cv=document.getElementById('map'),g=cv.getContext('2d'),card=document.getElementById('card');
        const n=d.x.length,pad=20,W=cv.width,H=cv.height;let x0=0,x1=1,y0=0,y1=1;
        if(n>0){x0=Infinity;x1=-Infinity;y0=Infinity;y1=-Infinity;for(let i=0;i<n;i++){x0=Math.min(x0,d.x[i]);x1=Math.max(x1,d.x[i]);y0=Math.min(y0,d.y[i]);y1=Math.max(y1,d.y[i]);}}
        const sx=v=>pad+(v-x0)/((x1-x0)||1)*(W-2*pad),sy=v=>H-pad-(v-y0)/((y1-y0)||1)*(H-2*pad),px=new Float32Array(n),py=new Float32Array(n),cell=12,grid=new Map();
        const rad=n>20000?1.5:3;
        for(let i=0;i<n;i++){px[i]=sx(d.x[i]);py[i]=sy(d.y[i]);g.fillStyle=d.clusters[d.c[i]].colour;g.globalAlpha=0.75;g.beginPath();g.arc(px[i],py[i],rad,0,6.2832);g.fill();
          const k=((px[i]/cell)|0)+','+((py[i]/cell)|0);(grid.get(k)||grid.set(k,[]).get(k)).push(i);}
        document.body.dataset.marks=String(n);
        function near(e){const r=cv.getBoundingClientRect(),mx=e.clientX-r.left,my=e.clientY-r.top,cx=(mx/cell)|0,cy=(my/cell)|0;let best=-1,bd=64;
          for(let a=cx-1;a<=cx+1;a++)for(let b=cy-1;b<=cy+1;b++)for(const i of grid.get(a+','+b)||[]){const dd=(px[i]-mx)**2+(py[i]-my)**2;if(dd<bd){bd=dd;best=i;}}return [best,mx,my];}
        cv.addEventListener('mousemove',e=>{const [i,mx,my]=near(e);if(i<0){card.hidden=true;cv.style.cursor='';return;}const c=d.clusters[d.c[i]];
          card.textContent='';const t=document.createElement('b');t.textContent=c.id+': '+c.title;card.append(t,document.createElement('br'),d.t[i]===null?'trace not known':'trace '+d.t[i],document.createElement('br'),'rank '+d.r[i]);
          card.style.left=(mx+12)+'px';card.style.top=(my+12)+'px';card.hidden=false;cv.style.cursor='pointer';});
        cv.addEventListener('mouseleave',()=>card.hidden=true);
        const esc=v=>encodeURIComponent(v).replace(/[!'()*]/g,c=>'%'+c.charCodeAt(0).toString(16).toUpperCase());
        function link(i){if(d.t[i]===null)return null;const q=[];if(d.e[i]!==null)q.push('event='+esc(d.e[i]));
          if(d.s[i]!==null)q.push('timestamp='+esc(new Date(d.s[i]).toISOString()));return d.traceBase+esc(d.t[i])+(q.length?'?'+q.join('&'):'');}
        cv.addEventListener('click',e=>{const [i]=near(e);const u=i>=0?link(i):null;if(u)window.open(u,'_blank');});
        document.querySelectorAll('#metrics th').forEach((th,col)=>th.addEventListener('click',()=>{const body=document.querySelector('#metrics tbody'),rows=[...body.rows],up=th.dataset.dir!=='asc';
          th.dataset.dir=up?'asc':'desc';const key=r=>{const c=r.cells[col],v=c.dataset.v;return v===undefined?c.textContent:(v===''?-Infinity:parseFloat(v));};
          rows.sort((a,b)=>{const p=key(a),q=key(b);return (p>q?1:p<q?-1:0)*(up?1:-1);});rows.forEach(r=>body.append(r));}));
        """;
}
