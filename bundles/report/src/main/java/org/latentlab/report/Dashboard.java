package org.latentlab.report;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

import org.latentlab.api.experiment.ExperimentService;
import org.latentlab.api.experiment.RunState;
import org.latentlab.api.experiment.RunStatus;
import org.latentlab.api.experiment.SpecException;
import org.latentlab.api.figure.Figure;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The read-only dashboard, on the HTTP whiteboard of Karaf's HTTP service: {@code /latentlab/} lists the runs with their
 * state and live progress, {@code /latentlab/run/<id>} is a run's report (its parts, results, figures and probe tables),
 * {@code /latentlab/compare?id=..&id=..} runs side by side. It answers only clients on this machine unless configured.
 */
@Component(service = Servlet.class, configurationPid = Dashboard.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {"osgi.http.whiteboard.servlet.pattern=" + Dashboard.PATH + "/*", "osgi.http.whiteboard.servlet.name=latentlab-dashboard"})
public class Dashboard extends HttpServlet {

    static final String PID = "org.latentlab.dashboard";
    static final String PATH = "/latentlab";
    private static final long serialVersionUID = 1L;

    @ObjectClassDefinition(name = "Latent Lab dashboard")
    @interface Config {
        @AttributeDefinition(description = "Serve clients on other machines too (the dashboard needs no login)")
        boolean allowRemote() default false;
    }

    private final transient ExperimentService experiments;
    private final boolean allowRemote;

    @Activate
    public Dashboard(@Reference ExperimentService experiments, Config config) {
        this.experiments = experiments;
        this.allowRemote = config.allowRemote();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!allowRemote && !InetAddress.getByName(request.getRemoteAddr()).isLoopbackAddress()) {
            send(response, HttpServletResponse.SC_FORBIDDEN, "text/plain", "The Latent Lab dashboard answers only on this machine; set "
                    + "allowRemote = true in etc/" + PID + ".cfg to let other machines read it (it needs no login).");
            return;
        }
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        String root = request.getContextPath() + request.getServletPath() + "/";
        try {
            if (path.equals("/")) {
                send(response, HttpServletResponse.SC_OK, "text/html", runList(root));
            } else if (path.startsWith("/run/") && path.length() > "/run/".length()) {
                String id = path.substring("/run/".length());
                send(response, HttpServletResponse.SC_OK, "text/html", report(root, List.of(id)));
            } else if (path.equals("/compare")) {
                String[] ids = request.getParameterValues("id");
                if (ids == null || ids.length < 2) {
                    send(response, HttpServletResponse.SC_BAD_REQUEST, "text/plain", "Choose two runs or more to compare.");
                } else {
                    send(response, HttpServletResponse.SC_OK, "text/html", report(root, Arrays.asList(ids)));
                }
            } else {
                send(response, HttpServletResponse.SC_NOT_FOUND, "text/plain", "There is no page " + path + "; the run list is at " + root + ".");
            }
        } catch (SpecException e) {
            send(response, HttpServletResponse.SC_NOT_FOUND, "text/plain", e.getMessage());
        }
    }

    /** Every run, newest first, with a link to its report and a box to pick it for a comparison; reloads every 5 s. */
    String runList(String root) {
        List<RunStatus> runs = new ArrayList<>(experiments.runs());
        java.util.Collections.reverse(runs);
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"refresh\" content=\"5\">\n")
                .append("<title>Latent Lab runs</title>\n<style>body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f3f3f3}")
                .append("td.n{text-align:right}progress{width:8em}</style>\n</head>\n<body>\n<h1>Latent Lab runs</h1>\n");
        if (runs.isEmpty()) {
            html.append("<p>No runs yet: <code>latent:run &lt;spec&gt;</code> starts one.</p>\n");
        } else {
            html.append("<form action=\"").append(HtmlReport.escape(root)).append("compare\" method=\"get\">\n<table id=\"runs\">\n")
                    .append("<tr><th></th><th>run</th><th>method</th><th>state</th><th>progress</th><th>loss</th><th>tokens/s</th>")
                    .append("<th>message</th></tr>\n");
            for (RunStatus run : runs) {
                double done = run.totalSteps() > 0 ? (double) run.step() / run.totalSteps() : 0;
                html.append("<tr><td><input type=\"checkbox\" name=\"id\" value=\"").append(HtmlReport.escape(run.id())).append("\"></td>")
                        .append("<td><a href=\"").append(HtmlReport.escape(root)).append("run/").append(HtmlReport.escape(run.id())).append("\">")
                        .append(HtmlReport.escape(run.name())).append("</a><br><small>").append(HtmlReport.escape(run.id())).append("</small></td>")
                        .append("<td>").append(HtmlReport.escape(run.method())).append("</td>")
                        .append("<td class=\"state\">").append(run.state().name().toLowerCase(Locale.ROOT)).append("</td>")
                        .append("<td><progress max=\"1\" value=\"").append(String.format(Locale.ROOT, "%.3f", done)).append("\"></progress> ")
                        .append(run.step()).append(" / ").append(run.totalSteps()).append("</td>")
                        .append("<td class=\"n\">").append(run.loss() == null ? "" : String.format(Locale.ROOT, "%.4f", run.loss())).append("</td>")
                        .append("<td class=\"n\">").append(run.tokensPerSecond() == null ? "" : String.format(Locale.ROOT, "%.0f", run.tokensPerSecond()))
                        .append("</td><td>").append(HtmlReport.escape(run.message())).append("</td></tr>\n");
            }
            html.append("</table>\n<p><button type=\"submit\">Compare the chosen runs</button></p>\n</form>\n");
        }
        return html.append("</body>\n</html>\n").toString();
    }

    /** A run's report, or several side by side; a run still training reloads every 10 s. */
    String report(String root, List<String> ids) {
        List<HtmlReport.Run> runs = new ArrayList<>();
        boolean live = false;
        for (String id : ids) {
            RunStatus status = experiments.status(id)
                    .orElseThrow(() -> new SpecException("There is no run '" + id + "'; the run list is at " + root + "."));
            live |= status.state() == RunState.RUNNING || status.state() == RunState.QUEUED;
            runs.add(HtmlReport.Run.of(experiments, status));
        }
        List<Figure> figures = experiments.figures(ids);
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        figures.forEach(figure -> pngs.put(figure.name(), FigureRenderer.png(figure)));
        return HtmlReport.write(HtmlReport.title(runs), runs, figures, pngs, live ? "<meta http-equiv=\"refresh\" content=\"10\">\n" : "",
                "<p><a href=\"" + HtmlReport.escape(root) + "\">All runs</a></p>\n");
    }

    private static void send(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type + ";charset=utf-8");
        response.setContentLength(bytes.length);
        response.setHeader("Cache-Control", "no-store");
        response.getOutputStream().write(bytes);
    }
}
