//! The page's sections other than the drawings' data: the verdict and its findings, the
//! frames the script draws into, the plots, the targets, the operation counts, the network
//! statistics, the run's facts and its files. Each is a function of the run's facts returning
//! HTML, with every text from the folder escaped.

use super::context::Context;
use super::explain::Explanation;
use super::html::{compact, escape, seconds, table};
use checkers::history::OpType;
use checkers::validity::Validity;
use serde_json::Value;

/// The badge, the summary, the findings with their operations, and the notes.
pub fn verdict(cx: &Context<'_>, explanation: &Explanation) -> String {
    let (class, word) = match explanation.validity {
        Validity::Valid => ("valid", "valid"),
        Validity::Invalid => ("invalid", "INVALID"),
        Validity::Unknown => ("unknown", "unknown"),
    };
    let mut out = format!(
        "<section id=\"verdict\"><p><span class=\"badge {class}\">{word}</span> {}</p>\n",
        escape(&explanation.summary)
    );
    if !explanation.findings.is_empty() {
        out.push_str("<h2>What went wrong</h2>\n<div id=\"explanation\">\n");
    }
    for f in &explanation.findings {
        out.push_str(&format!(
            "<div class=\"finding {}\"><h3>{}: {}</h3><p>{}</p>",
            escape(&f.checker),
            escape(&f.checker),
            escape(&f.title),
            escape(&f.text)
        ));
        if !f.ops.is_empty() {
            out.push_str("<ul>");
            for &span in &f.ops {
                out.push_str(&format!(
                    "<li><a class=\"op\" href=\"#messages\" data-spans=\"{span}\">{}</a></li>",
                    escape(&op_line(cx, span))
                ));
            }
            let all: Vec<String> = f.ops.iter().map(usize::to_string).collect();
            let msgs: Vec<String> = f.msgs.iter().map(u64::to_string).collect();
            out.push_str(&format!(
                "</ul><p><a class=\"op\" href=\"#messages\" data-spans=\"{}\" data-msgs=\"{}\">show these operations and their messages in the diagram</a></p>",
                all.join(","),
                msgs.join(",")
            ));
        }
        out.push_str("</div>\n");
    }
    if !explanation.findings.is_empty() {
        out.push_str("</div>\n");
    }
    if !explanation.notes.is_empty() {
        out.push_str("<h3>Notes</h3><ul>");
        for n in &explanation.notes {
            out.push_str(&format!("<li>{}</li>", escape(n)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    out
}

/// `op 123 (→ 125), process 4: broadcast 17 → ok 17, 3.1 s – 3.2 s, to n2`: the invocation's
/// and the completion's indices, as checkers cite either.
fn op_line(cx: &Context<'_>, span: usize) -> String {
    let s = &cx.spans[span];
    let invoke = &cx.history[s.invoke];
    let (outcome, shown) = match cx.completion(span) {
        Some(d) if d.kind == OpType::Ok => ("ok", compact(&d.value, 80)),
        Some(d) => (
            if d.kind == OpType::Fail {
                "fail"
            } else {
                "info"
            },
            d.error
                .as_ref()
                .map_or_else(|| compact(&invoke.value, 80), |e| compact(e, 80)),
        ),
        None => ("never completed", compact(&invoke.value, 80)),
    };
    let completed = cx
        .completion(span)
        .map_or(String::new(), |d| format!(" (→ {})", d.index));
    format!(
        "op {}{completed}, process {}: {} {} → {outcome} {shown}, {} – {}{}",
        invoke.index,
        s.process,
        invoke.f,
        compact(&invoke.value, 60),
        seconds(s.start),
        s.end.map_or_else(|| "end".to_string(), seconds),
        cx.on_node(span, ", to ")
    )
}

/// The shared time-window controls and the message diagram's frame.
pub fn diagram(has_journal: bool, links: &[(String, String)]) -> String {
    let mut out = String::from(
        "<h2 id=\"messages\">Messages</h2>\n<div class=\"controls\">window from <input id=\"from\"> s to \
         <input id=\"to\"> s <button id=\"apply\">show</button> <button id=\"all\">whole run</button> \
         <button id=\"in\">zoom in</button> <button id=\"out\">zoom out</button> <button id=\"left\">←</button> \
         <button id=\"right\">→</button> message type <select id=\"type\"><option value=\"-1\">all</option></select> \
         <button id=\"clear\">clear highlight</button></div>\n\
         <p class=\"note\">One lane per node, service and client; an arrow per message from its sending to its \
         delivery, coloured by type (a dashed arrow ending in × was dropped); partitions shaded red. Drag across \
         the diagram or the timeline to zoom in; hover for details. Operations are matched to the client messages \
         that carried them by time.</p>\n",
    );
    if has_journal {
        out.push_str(
            "<div id=\"diagram\"><canvas id=\"diagram-canvas\"></canvas><p class=\"note\" id=\"diagram-note\"></p></div>\n",
        );
    } else {
        let own = links
            .iter()
            .find(|(_, href)| href == "messages.svg")
            .map_or(String::new(), |_| {
                " Maelstrom's own diagram: <a href=\"messages.svg\">messages.svg</a>.".to_string()
            });
        out.push_str(&format!(
            "<div id=\"diagram\"><p class=\"note\" id=\"diagram-note\">This folder has no message journal the \
             report can read (Maelstrom keeps its journal in a binary format).{own}</p></div>\n"
        ));
    }
    out
}

/// The operation timeline's frame and legend.
pub fn timeline() -> String {
    "<h2 id=\"operations\">Operations</h2>\n<p class=\"legend\"><span><i style=\"background:#1b7837\"></i>ok</span>\
     <span><i style=\"background:#b2182b\"></i>fail</span><span><i style=\"background:#e08214\"></i>info \
     (indeterminate)</span><span><i style=\"background:#999\"></i>never completed</span> One row per process, \
     a bar from invocation to completion; click one to see its messages.</p>\n\
     <div id=\"timeline\"><canvas id=\"timeline-canvas\"></canvas></div>\n"
        .to_string()
}

pub fn plots(plots: &[String]) -> String {
    if plots.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Latency and rate</h2>\n");
    for p in plots {
        out.push_str(&format!(
            "<p><img class=\"plot\" src=\"{}\" alt=\"{}\"></p>\n",
            escape(p),
            escape(p)
        ));
    }
    out
}

/// The suite's targets and how the run fared, from `outcome.json`.
pub fn targets(outcome: Option<&Value>) -> String {
    let Some(targets) = outcome.and_then(|o| o["targets"].as_array()) else {
        return String::new();
    };
    if targets.is_empty() {
        return "<h2>Targets</h2>\n<p>The suite sets no targets.</p>\n".to_string();
    }
    let rows = targets.iter().map(|t| {
        vec![
            escape(t["name"].as_str().unwrap_or("?")),
            escape(t["bound"].as_str().unwrap_or("?")),
            t["figure"]
                .as_f64()
                .map_or("-".to_string(), |f| format!("{f:.2}")),
            if t["met"] == Value::Bool(true) {
                "met ✓".to_string()
            } else {
                "<b>missed ✗</b>".to_string()
            },
        ]
    });
    format!(
        "<h2>Targets</h2>\n{}\n",
        table(&["target", "bound", "figure", "outcome"], rows)
    )
}

/// Operations by function and outcome (`stats`) and availability.
pub fn stats(results: &Value) -> String {
    let Some(by_f) = results["stats"]["by-f"].as_object() else {
        return String::new();
    };
    let count = |v: &Value| v.as_u64().map_or("-".to_string(), |n| n.to_string());
    let rows = by_f.iter().map(|(f, s)| {
        vec![
            escape(f),
            count(&s["count"]),
            count(&s["ok-count"]),
            count(&s["fail-count"]),
            count(&s["info-count"]),
        ]
    });
    let availability = results["availability"]["ok-fraction"]
        .as_f64()
        .map_or(String::new(), |a| {
            format!("<p>Availability (ok fraction): {:.2}%</p>", a * 100.0)
        });
    format!(
        "<h2>Operations by function</h2>\n{}{availability}\n",
        table(&["f", "count", "ok", "fail", "info"], rows)
    )
}

/// Maelstrom's network statistics.
pub fn network(results: &Value) -> String {
    let net = &results["net"];
    if !net.is_object() {
        return String::new();
    }
    let rows = ["all", "clients", "servers"].iter().map(|part| {
        let n = &net[*part];
        let cell = |k: &str| match &n[k] {
            Value::Number(x) => x.as_u64().map_or_else(
                || format!("{:.2}", x.as_f64().unwrap_or(0.0)),
                |u| u.to_string(),
            ),
            _ => "-".to_string(),
        };
        vec![
            part.to_string(),
            cell("send-count"),
            cell("recv-count"),
            cell("msg-count"),
            cell("msgs-per-op"),
        ]
    });
    format!(
        "<h2>Network</h2>\n{}\n",
        table(
            &["between", "sent", "delivered", "messages", "msgs/op"],
            rows
        )
    )
}

/// The seed, the replay command, the harness figures.
pub fn run_facts(results: &Value, outcome: Option<&Value>) -> String {
    let sim = &results["sim"];
    let mut rows = Vec::new();
    let mut row = |name: &str, value: &Value| {
        if !value.is_null() {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            rows.push(vec![
                escape(name),
                format!("<code>{}</code>", escape(&text)),
            ]);
        }
    };
    if let Some(o) = outcome {
        row("suite", &o["suite"]);
        row("backend", &o["backend"]);
    }
    row("seed", &sim["seed"]);
    row("replay", &sim["replay"]);
    row("Maelstrom version reproduced", &sim["maelstrom-version"]);
    row("main phase (s)", &sim["main-phase-seconds"]);
    row(
        "harness CPU, fraction of a core",
        &sim["harness-cpu-fraction-of-one-core"],
    );
    row("server delivery lateness", &sim["server-delivery-lateness"]);
    if rows.is_empty() {
        return String::new();
    }
    format!("<h2>Run</h2>\n{}\n", table(&["", ""], rows))
}

pub fn files(links: &[(String, String)]) -> String {
    if links.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h2>Files</h2>\n<ul>");
    for (label, href) in links {
        out.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>",
            escape(href),
            escape(label)
        ));
    }
    out.push_str("</ul>\n");
    out
}
