import Cluster
import Foundation

/// The HTML report of a run directory: one self-contained file (inline SVG, no scripts, no network) with a
/// section for each kind of data the run holds. A section whose data is absent is left out, so the same
/// code reports a one-rank SGD run and a many-rank Alrao run with an export; what could not be read is
/// listed at the top instead of breaking the page.
public enum RunReport {
    /// Reads the run directory at `path`, renders it and writes the page to `output` (default
    /// `path/report.html`) by writing a temporary file and renaming it, so a reader never sees half a page.
    /// Returns where it was written and its size in bytes.
    @discardableResult
    public static func write(runDirectory path: String, to output: String? = nil) throws(ReportError) -> (
        path: String, bytes: Int
    ) {
        let directory: RunDirectory
        do {
            directory = try RunDirectory(existing: path)
        } catch {
            throw .notARunDirectory(error.description)
        }
        let target = output ?? directory.file("report.html")
        let page = html(RunContents.read(directory))
        do {
            try page.write(toFile: target, atomically: true, encoding: .utf8)
        } catch {
            throw .cannotWrite(target, (error as NSError).localizedDescription)
        }
        return (target, page.utf8.count)
    }

    /// The page for `run`.
    public static func html(_ run: RunContents) -> String {
        let sections = [
            trainingSection(run), ranksSection(run), gaussianitySection(run), alraoSection(run),
            groupedNewtonSection(run), gaussNewtonSection(run), ggnSection(run), exportSection(run),
            problemsSection(run), setupSection(run),
        ].compactMap { $0 }
        let name = run.info?["name"]?.string.flatMap { $0.isEmpty ? nil : $0 } ?? run.directory.name
        var page = HTMLBuilder()
        page.heading("Run \(name)", level: 1)
        page.paragraph(headline(run), cssClass: "meta")
        if run.info?["status"]?.string == "failed" {
            page.raw(
                "<div class=\"notes\"><p>The run failed: \(XML.escape(run.info?["error"]?.string ?? "no message"))</p></div>"
            )
        }
        if !run.notes.isEmpty {
            page.raw("<div class=\"notes\">" + run.notes.map { "<p>\(XML.escape($0))</p>" }.joined() + "</div>")
        }
        page.raw(
            "<nav>" + sections.map { "<a href=\"#\($0.id)\">\(XML.escape($0.title))</a>" }.joined(separator: " ")
                + "</nav>")
        for section in sections {
            page.raw("<section id=\"\(section.id)\">")
            page.heading(section.title)
            page.raw(section.body.markup)
            page.raw("</section>")
        }
        return HTMLBuilder.document(title: "Partita run \(name)", body: page.markup)
    }

    /// One line under the title: status, ranks and hosts, steps, start and duration.
    static func headline(_ run: RunContents) -> String {
        var parts: [String] = []
        if let status = run.info?["status"]?.string { parts.append(status) }
        if let size = run.info?["world_size"]?.integer {
            let hosts = Set(run.info?["hosts"]?.array?.compactMap(\.string) ?? []).count
            parts.append("\(size) rank\(size == 1 ? "" : "s") on \(hosts) host\(hosts == 1 ? "" : "s")")
        }
        if let steps = run.metrics.compactMap({ $0["step"]?.integer }).max() { parts.append("\(steps) steps") }
        if let start = run.info?["start"]?.string {
            var text = "started " + start
            if let seconds = duration(run) { text += ", took " + NumberFormat.short(seconds, digits: 3) + " s" }
            parts.append(text)
        }
        if let version = run.info?["versions"]?["partita"]?.string { parts.append("partita " + version) }
        return parts.isEmpty ? run.directory.path : parts.joined(separator: " · ")
    }

    /// Seconds from `start` to `end` in run.json, if both are there.
    static func duration(_ run: RunContents) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let start = run.info?["start"]?.string.flatMap(formatter.date(from:)),
            let end = run.info?["end"]?.string.flatMap(formatter.date(from:))
        else { return nil }
        return end.timeIntervalSince(start)
    }
}

/// One part of the report, with the anchor the table of contents links to.
struct ReportSection {
    let id: String
    let title: String
    var body = HTMLBuilder()
}

/// Why a report could not be written (one line, naming the path).
public enum ReportError: Error, CustomStringConvertible {
    case notARunDirectory(String)
    case cannotWrite(String, String)

    public var description: String {
        switch self {
        case .notARunDirectory(let why): why
        case .cannotWrite(let path, let why): "\(path): cannot write the report: \(why)"
        }
    }
}
