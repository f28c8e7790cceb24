import ArgumentParser
import Foundation
import GRDB
import TsunaguCore
import TsunaguSQLite
import TsunaguServer

/// `tsunagu-bench seed-statistics`: a year of cases and their transcripts, for timing statistics.
struct SeedStatistics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write CASES cases by PEOPLE people over FISCAL-YEAR, with MESSAGES transcript lines, into DATABASE; print a "
            + "supervisor's token.")

    @Option(help: "The SQLite database.") var database: String
    @Option(help: "Cases to write.") var cases = 100_000
    @Option(help: "Transcript lines to write, spread over the cases.") var messages = 1_000_000
    @Option(help: "Distinct people.") var people = 40_000
    @Option(help: "The fiscal year the cases fall in: April of this year to March of the next (Japan time).") var fiscalYear = 2026

    func run() async throws {
        guard let keyText = ProcessInfo.processInfo.environment["TSUNAGU_DATA_KEY"], let key = DataKey(base64: keyText) else {
            throw ValidationError("Set TSUNAGU_DATA_KEY to the server's data key (the supervisor's audit entry is chained with it).")
        }
        let plain = try SQLiteDatabase.open(path: database, clock: SystemTime.clock)
        let store = plain.chained(with: try await Keyring.open(SQLiteKeyStore(database: plain), current: key).auditChain)
        let token = StaffToken.generate()
        _ = try await SQLiteStaffStore(database: store).add(name: "supervisor", role: .supervisor, tokenHash: StaffToken.hash(token), by: "bench")
        try store.close()
        let year = StatisticsPeriod.fiscalYear(fiscalYear).milliseconds
        let (start, span) = (year.lowerBound, year.upperBound - year.lowerBound)
        let topics = ["work", "family", "violence", "money", "health", "pregnancy", "school", "other"]
        let outcomes = ["listened", "informed", "referred", "emergency", "no-response", "other"]
        let urgencies = ["now", "today", "anytime"]
        let (cases, messages, people) = (self.cases, self.messages, self.people)
        let bulk = try DatabaseQueue(path: database)
        defer { try? bulk.close() }
        var generator = SystemRandomNumberGenerator()
        let sealed = Data((0..<96).map { _ in UInt8.random(in: 0...255, using: &generator) })
        try await bulk.write { db in
            let insertCase = try db.makeStatement(
                sql: """
                    INSERT INTO triage_case (id, handle, conversation, opened_at, topic, urgency, priority, emergency, out_of_hours,
                        queued_at, claimed_at, closed_at, outcome, referral, satisfaction)
                    VALUES (?, ?, ?, ?, ?, ?, 'normal', ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let insertLine = try db.makeStatement(sql: "INSERT INTO case_message (case_id, at, author, sealed_text) VALUES (?, ?, ?, ?)")
            for index in 0..<cases {
                let opened = start + Int64(index) * span / Int64(cases)
                let queued = index % 10 == 0 ? nil : opened + 120_000
                let claimed = queued.map { $0 + Int64(index % 37) * 60_000 }
                try insertCase.execute(arguments: [
                    "case-\(index)", "S\(index)", "person-\(index % people)", opened, topics[index % topics.count],
                    urgencies[index % 3], index % 97 == 0 ? "violence" : nil, index % 5 == 0, queued, claimed,
                    claimed.map { $0 + 1_800_000 }, queued == nil ? nil : outcomes[index % outcomes.count],
                    index % 6 == 2 ? "hellowork" : nil, index % 4 == 0 ? "good" : nil,
                ])
                for line in 0..<(messages / cases) {
                    try insertLine.execute(arguments: ["case-\(index)", opened + Int64(line) * 30_000, line % 2 == 0 ? "her" : "counsellor", sealed])
                }
            }
        }
        // As a running server keeps it: the log copied into the database file.
        _ = try await bulk.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        print(token)
    }
}
