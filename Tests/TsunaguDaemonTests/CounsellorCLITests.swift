import CurlHTTP
import Foundation
import FoundationXML
import LineSandbox
import Testing
import TsunaguCore
import TsunaguServer
import TsunaguTesting

/// The whole loop on one machine, every part a process: `tsunagud` in sandbox mode, `tsunagu phone` as her,
/// and the counsellors' `tsunagu` commands, `chat` driven through a pipe.
@Suite("tsunagu CLI for counsellors")
struct CounsellorCLITests {
    struct Loop {
        let directory: TemporaryDirectory
        let environment: [String: String]
        let daemon: DaemonProcess
        let sandbox: String
        var tokens: [String: String] = [:]

        init() async throws {
            directory = try TemporaryDirectory()
            let base = DaemonProcess.environment(
                database: directory.path("tsunagu.sqlite"), extra: ["TSUNAGU_SANDBOX_ENABLED": "true", "TSUNAGU_SANDBOX_PORT": "0"])
            for (name, role) in [("sato", "counsellor"), ("suzuki", "counsellor"), ("tanaka", "supervisor")] {
                let added = try await runDaemonCommand(["staff", "add", name, "--role", role], environment: base)
                tokens[name] = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            // The sandbox's phone needs a fixed webhook port; another test may take the free one first, so a
            // daemon that cannot bind it is retried on another.
            var attempt = 0
            while true {
                attempt += 1
                let environment = base.merging(["TSUNAGU_WEBHOOK_PORT": "\(try FreeLoopbackPort.find())"]) { $1 }
                let daemon = try DaemonProcess(environment: environment)
                do {
                    let sandboxPort = try await daemon.port(of: "sandbox")
                    let staffPort = try await daemon.port(of: "staff")
                    _ = try await daemon.port(of: "webhook")
                    (self.environment, self.daemon) = (environment, daemon)
                    (sandbox, server) = ("http://127.0.0.1:\(sandboxPort)", "http://127.0.0.1:\(staffPort)")
                    return
                } catch  where attempt < 3 {
                    daemon.kill(SIGKILL)
                }
            }
        }

        private(set) var server = ""

        func env(_ name: String) -> [String: String] {
            ["TSUNAGU_SERVER": server, "TSUNAGU_TOKEN": tokens[name]!, "PATH": "/usr/bin:/bin"]
        }

        /// Runs `tsunagu` as `name`.
        /// Runs a staff command; whatever it prints must never name her (the phones here are Uaya and Ubun).
        func cli(_ name: String, _ arguments: [String], input: String? = nil) async throws -> (status: Int32, stdout: String, stderr: String) {
            let result = try await runCLI(arguments, environment: env(name), input: input)
            for user in ["Uaya", "Ubun"] {
                #expect(!result.stdout.contains(user) && !result.stderr.contains(user), "tsunagu \(arguments.first ?? "") printed her LINE id")
            }
            return result
        }

        /// She types `lines` on the practice phone; returns what the phone showed.
        func phone(_ user: String, _ lines: [String]) async throws -> String {
            let run = try await runCLI(
                ["phone", "--sandbox", sandbox, "--user", user],
                environment: ["PATH": "/usr/bin:/bin", "TSUNAGU_SANDBOX_TOKEN": DaemonProcess.sandboxToken],
                input: lines.joined(separator: "\n") + "\n")
            #expect(run.status == 0, "\(run.stderr)")
            return run.stdout
        }

        /// What the sandbox delivered to her, as its JSON.
        func deliveries(to user: String) async throws -> String {
            let transport = CurlTransport()
            defer { transport.shutdown() }
            let response = try await transport.send(
                HTTPClientRequest(
                    method: "GET", url: "\(sandbox)/sandbox/deliveries?chat=\(user)", headers: [DaemonProcess.sandboxAuthorization]))
            return String(decoding: response.body, as: UTF8.self)
        }

        func json<T: Decodable>(_ type: T.Type, _ output: (status: Int32, stdout: String, stderr: String)) throws -> T {
            #expect(output.status == 0, "\(output.stderr)")
            return try JSONDecoder().decode(T.self, from: Data(output.stdout.utf8))
        }
    }

    struct Queue: Decodable { var cases: [QueueItem] }
    struct Mine: Decodable { var cases: [CaseSummary] }
    struct Closed: Decodable {
        var status: String
        var priority: Priority
        var referral: String?
    }

    @Test func aCaseFromHerPhoneToClosedThroughEveryCommand() async throws {
        let loop = try await Loop()
        // She starts on the practice phone: numbers tap the choices she is shown.
        let shown = try await loop.phone("Uaya", ["こんにちは", "1", "2", "2"])
        #expect(shown.contains("[1] はい、相談する"), "\(shown)")
        // The daemon keeps real time: in office hours she is told a counsellor is coming, outside them when.
        #expect(shown.contains("相談員につなぎますね") || shown.contains("次の受付は"), "\(shown)")

        let queue = try loop.json(Queue.self, try await loop.cli("sato", ["queue", "--json"]))
        let handle = try #require(queue.cases.first?.handle)
        #expect(queue.cases.first?.topic == "family")
        let watched = try await loop.cli("sato", ["watch", "--updates", "1"])
        #expect(watched.status == 0 && watched.stdout.contains(handle), "\(watched.stderr)")
        #expect(!watched.stdout.contains("\u{1B}"), "colour only on a terminal")
        #expect(watched.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })

        let claimed = try loop.json(CaseSummary.self, try await loop.cli("sato", ["claim", "--next", "--json"]))
        #expect(claimed.handle == handle && claimed.counsellor == "sato")
        let second = try await loop.cli("suzuki", ["claim", handle])
        #expect(second.status == 1 && second.stderr.contains("held by sato"), "\(second.stderr)")
        #expect(try loop.json(Mine.self, try await loop.cli("sato", ["mine", "--json"])).cases.map(\.handle) == [handle])

        #expect(try await loop.cli("sato", ["reply", handle, "はじめまして、相談員の佐藤です。"]).status == 0)
        #expect(try await loop.cli("sato", ["reply", handle, "--canned", "take-time"]).status == 0)
        // Her words cannot drive the counsellor's terminal: escapes, the bell and carriage returns are shown, not obeyed.
        _ = try await loop.phone("Uaya", ["\u{1B}[2J\u{1B}]0;title\u{07}消した\r偽の行\u{202E}逆"])
        let hostile = try await loop.cli("sato", ["show", handle])
        #expect(hostile.status == 0 && hostile.stdout.contains("␛[2J␛]0;title␇消した␍偽の行�逆"), "\(hostile.stdout)")
        for control in ["\u{1B}", "\r", "\u{07}", "\u{202E}"] { #expect(!hostile.stdout.contains(control)) }
        #expect(try await loop.cli("sato", ["note", handle, "-"], input: "家族との関係。急ぎではない").status == 0)
        let detail = try loop.json(CaseDetail.self, try await loop.cli("sato", ["show", handle, "--json"]))
        #expect(detail.lines.contains { $0.author == "counsellor" && $0.text == "はじめまして、相談員の佐藤です。" })
        #expect(detail.lines.contains { $0.author == "note" && $0.text == "家族との関係。急ぎではない" })
        let supervisor = try await loop.cli("tanaka", ["show", handle])
        #expect(supervisor.status == 1 && supervisor.stderr.contains("counsellor role"), "\(supervisor.stderr)")
        let colleague = try await loop.cli("suzuki", ["show", handle])
        #expect(colleague.status == 1 && colleague.stderr.contains("held by sato"))

        struct Templates: Decodable { var templates: [StaffAPI.CannedReply] }
        #expect(try loop.json(Templates.self, try await loop.cli("sato", ["canned", "--json"])).templates.contains { $0.id == "greeting" })
        struct Choices: Decodable {
            struct Choice: Decodable { var id: String }
            var outcomes: [Choice]
            var partners: [Choice]
        }
        let choices = try loop.json(Choices.self, try await loop.cli("sato", ["outcomes", "--json"]))
        #expect(choices.outcomes.contains { $0.id == "referred" } && choices.partners.contains { $0.id == "hellowork" })

        // Hand it over and back.
        #expect(try await loop.cli("sato", ["transfer", handle, "--to", "suzuki"]).status == 0)
        #expect(try loop.json(Mine.self, try await loop.cli("suzuki", ["mine", "--json"])).cases.map(\.handle) == [handle])
        #expect(try await loop.cli("suzuki", ["transfer", handle, "--queue"]).status == 0)
        #expect(try await loop.cli("sato", ["claim", handle]).status == 0)
        #expect(try await loop.cli("sato", ["release", handle]).status == 0)
        #expect(try await loop.cli("sato", ["claim", handle]).status == 0)
        let usage = try await loop.cli("sato", ["transfer", handle])
        #expect(usage.status == 2)

        let closed = try loop.json(
            Closed.self, try await loop.cli("sato", ["close", handle, "--outcome", "referred", "--referral", "hellowork", "--json"]))
        #expect(closed.status == "closed" && closed.referral == "hellowork")
        let badOutcome = try await loop.cli("sato", ["close", handle, "--outcome", "fixed"])
        #expect(badOutcome.status == 1)

        // A phone consultation logged by hand counts too.
        let recorded = try await loop.cli("sato", ["record", "--channel", "phone", "--topic", "work", "--outcome", "listened"])
        #expect(recorded.status == 0 && recorded.stdout.contains("Recorded a phone consultation"), "\(recorded.stderr)")
        #expect(try await loop.cli("sato", ["record", "--channel", "fax", "--topic", "work", "--outcome", "listened"]).status == 2)

        // The programme's other services: a suit and an event; products need the office's facilities first.
        let suit = try await loop.cli("sato", ["record", "suit", "--purpose", "interview", "--listened"])
        #expect(suit.status == 0 && suit.stdout.contains("Recorded a suit rental as entry #"), "\(suit.stderr)")
        let wrong = try await loop.cli("sato", ["record", "suit", "--purpose", "work"])
        let wrongNumber = wrong.stdout.split(separator: "#").last.map { String($0.prefix { $0.isNumber }) } ?? ""
        #expect(try await loop.cli("sato", ["record", "withdraw", wrongNumber]).status == 0)
        #expect(try await loop.cli("sato", ["record", "event", "--name", "国際女性デー", "--participants", "12", "--counted-in", "dropin"]).status == 0)
        let products = try await loop.cli("sato", ["record", "products", "--facility", "city-hall", "--count", "30"])
        #expect(products.status == 1 && products.stderr.contains("No facilities are configured yet"), "\(products.stderr)")
        #expect(try await loop.cli("sato", ["record", "suit", "--purpose", "party"]).status == 2)
        let entries = try await loop.cli("sato", ["record", "list"])
        #expect(entries.stdout.contains("(withdrawn by #") && entries.stdout.contains("interview"), "\(entries.stdout)")

        // The supervisor's figures: two people and two consultations, shown; every breakdown of so few hidden.
        let stats = try loop.json(PublishedStatistics.self, try await loop.cli("tanaka", ["stats", "--json"]))
        #expect(stats.people == .count(2) && stats.consultations == .count(2))
        #expect(stats.byTopic == ["family": .suppressed(below: 5), "work": .suppressed(below: 5)])
        #expect(stats.byChannel == ["line": .suppressed(below: 5), "phone": .suppressed(below: 5)])
        let table = try await loop.cli("tanaka", ["stats"])
        #expect(table.status == 0 && table.stdout.contains("Consultations") && table.stdout.contains("<5"), "\(table.stderr)")
        #expect(table.stdout.split(separator: "\n").allSatisfy { $0.count <= 80 })
        let csv = try await loop.cli("tanaka", ["stats", "--csv"])
        #expect(csv.stdout.hasPrefix("section,key,value\n") && csv.stdout.contains("topic,family,<5"))
        let kpi = try await loop.cli("tanaka", ["stats", "--report", "kpi"])
        #expect(kpi.stdout.contains("目標・KPI") && kpi.stdout.contains("達成率") && kpi.stdout.contains("1,000"), "\(kpi.stdout)")
        // The programme's report: two consultations and one suit (the withdrawn one gone) make 3 of 1,000; the
        // event's participants are 再掲.
        let programme = try await loop.cli("tanaka", ["stats", "--report", "programme"])
        #expect(programme.status == 0, "\(programme.stderr)")
        #expect(programme.stdout.contains("事業利用者数（人）") && programme.stdout.contains("うち再掲 12"), "\(programme.stdout)")
        let report = try loop.json(ProgrammeReport.self, try await loop.cli("tanaka", ["stats", "--report", "programme", "--json"]))
        #expect(report.kpi.actual == 3 && report.year.suitRentals == 1 && report.year.eventParticipantsRepeated == 12)
        let programmeCSV = try await loop.cli("tanaka", ["stats", "--report", "programme", "--csv"])
        #expect(programmeCSV.stdout.hasPrefix("section,period,key,value\n") && programmeCSV.stdout.contains("kpi,\(report.fiscalYear),actual,3"))
        let programmePage = loop.directory.path("programme.html")
        #expect(try await loop.cli("tanaka", ["stats", "--report", "programme", "--html", programmePage]).status == 0)
        let programmeHTML = try String(contentsOfFile: programmePage, encoding: .utf8)
        #expect(try XMLDocument(xmlString: programmeHTML).rootElement()?.name == "html" && programmeHTML.contains("国際女性デー"))
        #expect(try await loop.cli("tanaka", ["stats", "--report", "programme", "--month", "2026-11"]).status == 2)
        let unknownReport = try await loop.cli("tanaka", ["stats", "--report", "annual"])
        #expect(unknownReport.status == 2 && unknownReport.stderr.contains("--report is kpi or programme, not annual."), "\(unknownReport.stderr)")
        // The HTML page: well-formed, the JSON's figures in the script's words, nothing loaded from anywhere.
        let page = loop.directory.path("stats.html")
        #expect(try await loop.cli("tanaka", ["stats", "--html", page]).status == 0)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let document = try XMLDocument(xmlString: html)
        #expect(document.rootElement()?.name == "html")
        #expect(html.contains("家族・パートナー") && html.contains("仕事・就職") && html.contains("&lt;5"))
        #expect(html.contains("<td class=\"n\">\(stats.consultations)</td>".replacingOccurrences(of: "<5</td>", with: "&lt;5</td>")))
        var elements = [document.rootElement()!]
        while let element = elements.popLast() {
            #expect(!["script", "link", "img", "iframe", "object", "embed"].contains(element.name ?? ""), "an external resource")
            for attribute in element.attributes ?? [] where ["src", "href", "xlink:href"].contains(attribute.name ?? "") {
                #expect(attribute.stringValue?.hasPrefix("#") == true, "a resource at \(attribute.stringValue ?? "")")
            }
            elements += (element.children ?? []).compactMap { $0 as? XMLElement }
        }
        #expect(!html.contains("url(") && !html.contains("@import"))

        let notSupervisor = try await loop.cli("sato", ["stats"])
        #expect(notSupervisor.status == 1 && notSupervisor.stderr.contains("supervisor role"))
        #expect(try await loop.cli("tanaka", ["stats", "--from", "2026-13-01"]).status == 2)
        #expect(try await loop.cli("tanaka", ["stats", "--month", "2026-11", "--fiscal-year", "2026"]).status == 2)
        let fiscalYear = StatisticsPeriod.fiscalYear(of: JapanTime(milliseconds: Int64(Date().timeIntervalSince1970 * 1000)).date)
        let year = try loop.json(PublishedStatistics.self, try await loop.cli("tanaka", ["stats", "--fiscal-year", "\(fiscalYear)", "--json"]))
        #expect(year.period == .fiscalYear(fiscalYear) && year.consultations == .count(2))
        let aWeek = try await loop.cli("tanaka", ["stats", "--from", "2026-11-01", "--to", "2026-11-07"])
        #expect(aWeek.status == 1 && aWeek.stderr.contains("calendar month"), "\(aWeek.stderr)")

        let audit = try await runDaemonCommand(["audit", "--json"], environment: loop.environment)
        for action in ["case.claim", "case.reply", "case.note", "case.read", "case.transfer", "case.release", "case.close"] {
            #expect(audit.stdout.contains(#""action":"\#(action)""#), "no \(action) in the audit log")
        }
        #expect(!audit.stdout.contains("はじめまして"), "the audit log quotes a message")
        #expect(try await runDaemonCommand(["audit", "--verify"], environment: loop.environment).status == 0)
        loop.daemon.kill(SIGTERM)
        #expect(try await loop.daemon.waitForExit() == 0)
    }

    @Test func chatThroughAPipeWithThePhoneOnTheOtherSide() async throws {
        let loop = try await Loop()
        let cli = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("tsunagu")
        // Someone is watching the queue when she writes.
        let watch = try InteractiveProcess(executable: cli, arguments: ["watch", "--updates", "2"], environment: loop.env("suzuki"))
        #expect(await watch.waitForOutput { $0.contains("No one is waiting.") }, "\(watch.stderr)")

        // An emergency: she is sent the contacts, and the case jumps the queue.
        let shown = try await loop.phone("Ubun", ["今日死にます"])
        #expect(shown.contains("119"), "\(shown)")
        #expect(try await watch.waitForExit() == 0)
        #expect(watch.stdout.contains("EMERGENCY (suicide) in case"), "\(watch.stdout)")
        let handle = try loop.json(CaseSummary.self, try await loop.cli("sato", ["claim", "--json"])).handle

        let chat = try InteractiveProcess(executable: cli, arguments: ["chat", handle], environment: loop.env("sato"))
        #expect(await chat.waitForOutput { $0.contains("Type to send") }, "\(chat.stdout)\n\(chat.stderr)")
        #expect(chat.stdout.contains("Case \(handle)") && chat.stdout.contains("EMERGENCY: suicide"))

        // Her new message appears in the chat as it arrives.
        _ = try await loop.phone("Ubun", ["聞いてほしいことがあります"])
        #expect(await chat.waitForOutput { $0.contains("聞いてほしいことがあります") }, "\(chat.stdout)")

        // A typed line reaches her phone.
        chat.type("話してくれてありがとう。ここにいますよ。")
        #expect(await chat.waitForOutput { $0.contains("staff  話してくれてありがとう。ここにいますよ。") }, "\(chat.stdout)")
        #expect(await eventually { (try? await loop.deliveries(to: "Ubun"))?.contains("話してくれてありがとう。ここにいますよ。") == true })
        chat.type("/note 緊急。今日中に支援センターへつなぐ")
        #expect(await chat.waitForOutput { $0.contains("note   緊急。今日中に支援センターへつなぐ") })
        chat.type("/bogus")
        #expect(await chat.waitForError { $0.contains("/help lists them") })
        chat.type("/close referred dv-support")
        #expect(await chat.waitForOutput { $0.contains("short break") }, "\(chat.stdout)\n\(chat.stderr)")
        #expect(try await chat.waitForExit() == 0)

        // What she saw on her phone: the counsellor's words, never the note.
        let deliveries = try await loop.deliveries(to: "Ubun")
        #expect(deliveries.contains("話してくれてありがとう。ここにいますよ。"))
        #expect(!deliveries.contains("支援センターへつなぐ"))

        let handover = try await loop.cli("sato", ["handover"])
        #expect(handover.status == 0 && handover.stdout.contains("Your open cases (0)"), "\(handover.stdout)")
        struct Handover: Decodable {
            var cases: [StaffAPI.Handover.HeldCase]
            var waiting: [String: Int]
        }
        #expect(try loop.json(Handover.self, try await loop.cli("sato", ["handover", "--json"])).waiting["emergency"] == 0)

        // A client waiting on the live feed does not hold up SIGTERM.
        let waiting = try InteractiveProcess(executable: cli, arguments: ["watch", "--updates", "9"], environment: loop.env("suzuki"))
        #expect(await waiting.waitForOutput { $0.contains("Tsunagu queue at") })
        loop.daemon.kill(SIGTERM)
        #expect(try await loop.daemon.waitForExit(within: .seconds(5)) == 0)
    }
}

/// A child process fed line by line through a pipe, its output collected as it comes.
final class InteractiveProcess: Sendable {
    private let process: ChildProcess

    init(executable: URL, arguments: [String], environment: [String: String]) throws {
        process = try ChildProcess(executable: executable.path, arguments: arguments, environment: environment, standardInput: true)
    }

    var stdout: String { process.standardOutput }
    var stderr: String { process.standardError }

    func type(_ line: String) { process.write(line + "\n") }

    func waitForOutput(_ condition: (String) -> Bool) async -> Bool {
        await eventually { condition(stdout) }
    }

    func waitForError(_ condition: (String) -> Bool) async -> Bool {
        await eventually { condition(stderr) }
    }

    func waitForExit(within timeout: Duration = .seconds(20)) async throws -> Int32 {
        do { return try await process.waitForExit(within: timeout) } catch { throw ProcessTimeout("the process did not exit") }
    }
}

private struct ProcessTimeout: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
