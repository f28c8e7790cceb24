import ArgumentParser
import Foundation
import LineMessaging
import TsunaguCore
import TsunaguSQLite
import TsunaguServer

/// `tsunagu-bench`: helpers for the benchmark scripts (not installed, not for operators).
@main
struct TsunaguBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsunagu-bench",
        abstract: "Benchmark helpers: fill an outbox or the queue; measure reply latency through the sandbox and the staff API under load.",
        subcommands: [Enqueue.self, Latency.self, SeedCases.self, QueueLoad.self, SeedStatistics.self])

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write COUNT pushes to USERS made-up users into the outbox of DATABASE (key from TSUNAGU_DATA_KEY).")

        @Option(help: "The SQLite database.") var database: String
        @Option(help: "How many sends.") var count = 20_000
        @Option(help: "Over how many users.") var users = 2_000

        func run() async throws {
            guard let keyText = ProcessInfo.processInfo.environment["TSUNAGU_DATA_KEY"], let key = DataKey(base64: keyText) else {
                throw ValidationError("Set TSUNAGU_DATA_KEY to the server's data key.")
            }
            let sealer = EventSealer(dataKey: key)
            let store = SQLiteOutboxStore(database: try SQLiteDatabase.open(path: database, clock: SystemTime.clock))
            let now = SystemTime.clock.now()
            let text = "ご連絡ありがとうございます。担当の相談員からお返事します。少しだけお待ちください。"
            let entries = try (0..<count).map { index in
                let id = SystemTime.ids.nextString()
                let user = String(format: "U%032x", index % users)
                return NewOutboxEntry(
                    id: id, conversation: Pseudonym(rawValue: "p" + user), retryKey: SystemTime.ids.nextString(),
                    createdAt: now, replyTokenUsableUntil: nil,
                    sealedPayload: try OutboxPayload(chatID: user, replyToken: nil, messages: [OutgoingMessage(text: text)])
                        .sealed(with: sealer, entryID: id))
            }
            _ = try await store.enqueue(entries)
        }
    }
}
