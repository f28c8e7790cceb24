import Crypto
import Testing
import TsunaguCore
import TsunaguCoreTesting

/// The audit chain is keyed: whoever can write the database but has no audit key cannot rewrite history.
@Suite("The keyed audit chain")
struct AuditChainTests {
    let chain = AuditChain(key: SymmetricKey(data: Array(repeating: UInt8(1), count: 32)))

    /// Three keyed entries, as a store appends them.
    func written(by chain: AuditChain, after old: [AuditEntry] = []) throws -> [AuditEntry] {
        var entries = old
        for action in ["staff.add", "case.read", "staff.revoke"] {
            let last = entries.last.map { (sequence: $0.sequence, hash: $0.hash) }
            entries.append(try chain.entry(after: last, at: 1_765_000_000_000, actor: "operator", action: action, caseID: nil, detail: "x"))
        }
        return entries
    }

    @Test("entries written now are keyed, and verify only with their key")
    func keyed() throws {
        let entries = try written(by: chain)
        #expect(entries.allSatisfy { $0.version == .keyed })
        #expect(chain.verify(entries) == AuditVerification(entries: 3, firstBroken: nil, unkeyedEntries: 0))
        let other = AuditChain(key: SymmetricKey(data: Array(repeating: UInt8(2), count: 32)))
        #expect(other.verify(entries).firstBroken == 1, "another key does not verify them")
        #expect(AuditChain.withoutKey.verify(entries).firstBroken == 1, "nor does no key")
        #expect(throws: AuditKeyMissing.self) { try written(by: .withoutKey) }
    }

    @Test("a keyed entry rewritten, its chain recomputed without the key, fails verification")
    func rewrittenWithoutTheKey() throws {
        var entries = try written(by: chain)
        entries[1].detail = "sato as admin"
        // Recomputed as the old, unkeyed chain was, still marked keyed: the MAC does not match.
        #expect(chain.verify(AuditForgery.rechained(entries, from: 2, as: .keyed)).firstBroken == 2)
        // Passed off as entries from before the keying: an unkeyed entry after a keyed one is a break.
        #expect(chain.verify(AuditForgery.rechained(entries, from: 2, as: .unkeyed)).firstBroken == 2)
        // A version no code knows is a break too.
        var unknown = try written(by: chain)
        unknown[2].chainVersion = 7
        #expect(chain.verify(unknown).firstBroken == 3)
    }

    @Test("entries from before the keying verify the old way, and the keyed ones after them with the key")
    func oldEntriesFirst() throws {
        let old = AuditForgery.unkeyedEntries(["staff.add", "staff.add"])
        let entries = try written(by: chain, after: old)
        #expect(entries.map(\.version) == [.unkeyed, .unkeyed, .keyed, .keyed, .keyed])
        #expect(chain.verify(entries) == AuditVerification(entries: 5, firstBroken: nil, unkeyedEntries: 2))
        // An old entry changed is still caught, by SHA-256.
        var changed = entries
        changed[0].actor = "someone"
        #expect(chain.verify(changed).firstBroken == 1)
    }
}
