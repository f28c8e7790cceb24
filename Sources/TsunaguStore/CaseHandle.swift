import GRDB

/// The short handle counsellors use for a case, such as `A7K2`: four characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L), unique among all cases.
///
/// It says nothing about her; it only has to be easy to read aloud and to type.
enum CaseHandle {
    static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    static func random(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// A handle no case has yet: four characters while they last, then longer.
    static func unused(in db: Database) throws -> String {
        var generator = SystemRandomNumberGenerator()
        for attempt in 0..<64 {
            let handle = random(length: attempt < 32 ? 4 : 6, using: &generator)
            if try !(Bool.fetchOne(db, sql: "SELECT 1 FROM triage_case WHERE handle = ?", arguments: [handle]) ?? false) {
                return handle
            }
        }
        return random(length: 10, using: &generator)
    }
}
