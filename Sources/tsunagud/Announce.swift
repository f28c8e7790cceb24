import ArgumentParser
import Foundation
import TsunaguCore
import TsunaguServer

extension Tsunagud {
    /// `tsunagud announce`: pushes the programme's announcement to those who asked for it.
    struct Announce: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send an announcement (the month's drop-in schedule, an event) to everyone who asked for them.",
            discussion: """
                Only those who tapped お知らせを受け取る (under 居場所 or イベント) receive it, each as one push with the \
                button that stops them; someone who stopped them, asked to erase her data or blocked the account does \
                not. Pushes count against the plan's monthly quota (TSUNAGU_OUTBOX_MONTHLY_PUSH_QUOTA): --dry-run prints how \
                many it would cost, and an announcement that would not fit is refused. The running server delivers it. \
                Write only what the programme offers: it reaches young women who may share their phone.
                """)

        @OptionGroup var options: ConfigOptions

        @Option(name: .long, help: ArgumentHelp("The announcement's text, in a UTF-8 file (- for standard input).", valueName: "file"))
        var messageFile: String

        @Flag(name: .long, help: "Print how many people it would reach and what it would cost against the quota; send nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Print JSON for scripts.")
        var json = false

        func run() async throws {
            do {
                let text = try readText()
                let configuration = try TsunaguConfiguration(reader: options.reader())
                let (dryRun, quota) = (dryRun, configuration.monthlyPushQuota)
                let plan = try await configuration.database.withStores(readOnly: dryRun, clock: SystemTime.clock) { stores in
                    let announcer = Announcer(
                        stores: stores, script: configuration.engine.script, dataKey: configuration.dataKey, ids: SystemTime.ids,
                        monthlyQuota: quota)
                    let now = SystemTime.clock.now()
                    return dryRun ? try await announcer.plan(now: now) : try await announcer.enqueue(text, now: now)
                }
                if json { return try JSONOutput.print(plan) }
                print(Self.describe(plan, sent: !dryRun))
            } catch {
                throw Failure.exit(error)
            }
        }

        private func readText() throws -> String {
            let data: Data? = messageFile == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: messageFile)
            guard let data, let text = String(data: data, encoding: .utf8) else {
                throw StartupError("Cannot read \(messageFile) as UTF-8 text; check the path.")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        static func describe(_ plan: Announcer.Plan, sent: Bool) -> String {
            let people = "\(plan.recipients) \(plan.recipients == 1 ? "person" : "people")"
            var lines = [
                sent ? "Queued the announcement for \(people); the server sends it." : "It would reach \(people) who asked for announcements."
            ]
            if plan.monthlyQuota > 0 {
                lines.append(
                    "It costs \(plan.messages) of the \(plan.monthlyQuota) pushes of \(plan.month); \(plan.pushesThisMonth) were used before it, "
                        + "\(plan.remainingAfter ?? 0) would be left.")
                if !plan.fits { lines.append("That is more than is left: it would be refused.") }
            } else {
                lines.append(
                    "It costs \(plan.messages) pushes; \(plan.pushesThisMonth) were sent in \(plan.month) (the quota is not tracked: set TSUNAGU_OUTBOX_MONTHLY_PUSH_QUOTA)."
                )
            }
            return lines.joined(separator: "\n")
        }
    }
}
