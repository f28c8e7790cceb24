import Foundation
import Testing
import TsunaguTesting

/// The opt-in announcements end to end, every part a process: she asks for them from the practice phone through
/// the sandbox, `tsunagud announce` counts and queues, the running server pushes, and she stops them.
@Suite("Announcements")
struct AnnouncementTests {
    @Test func onlyThoseWhoAskedReceiveThemUntilTheyStop() async throws {
        let loop = try await CounsellorCLITests.Loop()
        defer { loop.daemon.kill(SIGTERM) }
        let file = loop.directory.path("announcement.txt")
        let text = "12月の居場所は、毎週土曜13時からひらいています。"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        func announce(_ extra: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
            try await runDaemonCommand(["announce", "--message-file", file] + extra, environment: loop.environment)
        }

        // Before anyone asks, an announcement reaches nobody.
        let empty = try await announce(["--dry-run"])
        #expect(empty.status == 0 && empty.stdout.contains("It would reach 0 people"), "\(empty.stderr)")

        // Uaya opens 居場所 and taps the button under it; Ubun only reads it.
        let asked = try await loop.phone("Uaya", ["居場所", "1"])
        #expect(asked.contains("お知らせを受け取る") && asked.contains("月に1回ほど"), "\(asked)")
        let read = try await loop.phone("Ubun", ["居場所"])
        #expect(read.contains("お知らせを受け取る"))

        let plan = try await announce(["--dry-run"])
        #expect(plan.stdout.contains("It would reach 1 person") && plan.stdout.contains("It costs 1 of the 200 pushes"), "\(plan.stdout)")
        let sent = try await announce([])
        #expect(sent.status == 0 && sent.stdout.contains("Queued the announcement for 1 person"), "\(sent.stderr)")
        #expect(try await eventually { try await loop.deliveries(to: "Uaya").contains(text) }, "the announcement never reached her")
        let delivered = try await loop.deliveries(to: "Uaya")
        #expect(delivered.contains("announce:off"), "no button to stop them under the announcement")
        #expect(!(try await loop.deliveries(to: "Ubun")).contains(text), "an announcement reached someone who did not ask")

        // She stops them in her own words; the next announcement reaches nobody.
        let stopped = try await loop.phone("Uaya", ["お知らせ停止"])
        #expect(stopped.contains("お知らせを止めました"), "\(stopped)")
        #expect(try await announce(["--dry-run"]).stdout.contains("It would reach 0 people"))

        // Asking again and then erasing her data stops them too.
        _ = try await loop.phone("Uaya", ["居場所", "1"])
        #expect(try await announce(["--dry-run"]).stdout.contains("It would reach 1 person"))
        _ = try await loop.phone("Uaya", ["やめる", "1"])
        #expect(try await announce(["--dry-run"]).stdout.contains("It would reach 0 people"))

        let missing = try await runDaemonCommand(["announce", "--message-file", loop.directory.path("none.txt")], environment: loop.environment)
        #expect(missing.status == 1 && missing.stderr.contains("Cannot read"), "\(missing.stderr)")
    }
}
