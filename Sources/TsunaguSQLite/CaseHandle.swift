import GRDB
import TsunaguCore

/// Case handles on SQLite: the first random one (``CaseHandleGenerator``) no case has yet.
enum CaseHandle {
    static func unused(in db: Database) throws -> String {
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<CaseHandleGenerator.attempts {
            let handle = CaseHandleGenerator.random(length: CaseHandleGenerator.length(ofAttempt: attempt), using: &generator)
            if try !(Bool.fetchOne(db, cached: "SELECT 1 FROM triage_case WHERE handle = ?", arguments: [handle]) ?? false) {
                return handle
            }
        }
        return CaseHandleGenerator.random(length: CaseHandleGenerator.length(ofAttempt: CaseHandleGenerator.attempts), using: &generator)
    }
}
