import Foundation
import GRDB
import LineSandbox
import Testing
import TsunaguCore
import TsunaguCoreTesting
import TsunaguSQLite
import TsunaguServer
import TsunaguTesting

/// The master key can be replaced: the keyring and every case key are rewrapped; pseudonyms, sealed data and
/// transcripts stay readable; the old key stops opening the database.
@Suite("Key rotation")
struct KeyRotationTests {
    let old = DataKey(base64: TestSecrets.dataKeyBase64)!
    let new = DataKey(base64: DataKey.generateBase64())!

    /// `TsunaguTesting` derives the tests' audit chain itself so as not to link the server: it must stay the chain
    /// the server derives from the same key, or every test mixing the two would see a broken audit log.
    @Test func theTestsAuditChainIsTheOneTheirDataKeyGives() throws {
        let entry = try old.auditChain.entry(after: nil, at: 1_765_000_000_000, actor: "operator", action: "staff.add", caseID: nil, detail: nil)
        #expect(AuditForgery.testChain.verify([entry]).holds)
        #expect(
            try AuditForgery.testChain.entry(after: nil, at: 1_765_000_000_000, actor: "operator", action: "staff.add", caseID: nil, detail: nil)
                == entry)
        #expect(new.auditChain.verify([entry]).firstBroken == 1, "another key's chain does not verify it")
    }

    /// A database with one case and its transcript, its keyring made with the old key.
    private func databaseWithACase() async throws -> ConversationHarness {
        let harness = try ConversationHarness()
        _ = try await Keyring.open(SQLiteKeyStore(database: harness.base.database), current: old)
        try await harness.run { phone in
            try await phone.send(.follow(unblocked: false), from: "Urotate")
            await phone.waitForMessages(2, to: "Urotate")
            try await phone.send(.postback("consent:yes"), from: "Urotate")
            await phone.waitForMessages(3, to: "Urotate")
            try await phone.send(.text("職場の人間関係がつらいです"), from: "Urotate")
            await phone.waitForMessages(5, to: "Urotate")
        }
        return harness
    }

    /// Her words in the transcript, opened with `key`.
    private func herMessages(_ harness: ConversationHarness, with key: DataKey) throws -> [String] {
        let rows = try DatabaseQueue(path: harness.base.database.path).read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT k.case_id, k.fingerprint, k.wrapped_key, m.sealed_text FROM case_message m
                    JOIN case_key k ON k.case_id = m.case_id WHERE m.author = 'her'
                    """
            ).map {
                (
                    caseID: $0["case_id"] as String, fingerprint: $0["fingerprint"] as String?, key: Array($0["wrapped_key"] as Data),
                    text: Array($0["sealed_text"] as Data)
                )
            }
        }
        return try rows.map { row in
            let caseKey = try CaseCipher(dataKey: key).unwrap(row.key, for: row.caseID, fingerprint: row.fingerprint)
            return try CaseCipher.open(row.text, with: caseKey, caseID: row.caseID)
        }
    }

    private func fingerprints(_ harness: ConversationHarness) throws -> (keyring: Set<String>, caseKeys: Set<String>) {
        try DatabaseQueue(path: harness.base.database.path).read { db in
            (
                Set(try String.fetchAll(db, sql: "SELECT fingerprint FROM keyring")),
                Set(try String.fetchAll(db, sql: "SELECT fingerprint FROM case_key"))
            )
        }
    }

    @Test func oneStepRotationKeepsEverythingReadable() async throws {
        let harness = try await databaseWithACase()
        let store = SQLiteKeyStore(database: harness.base.database)
        let openedOld = try await Keyring.open(store, current: old)
        #expect(try herMessages(harness, with: openedOld) == ["職場の人間関係がつらいです"])

        #expect(try await Keyring.rotate(store, opened: openedOld, to: new) == 1)
        #expect(try fingerprints(harness) == ([new.fingerprint], [new.fingerprint]))
        await #expect(throws: StartupError.self) { try await Keyring.open(store, current: old) }

        let openedNew = try await Keyring.open(store, current: new)
        #expect(try herMessages(harness, with: openedNew) == ["職場の人間関係がつらいです"])
        // Pseudonyms and sealed data do not change: the keyring's keys are the same, only wrapped anew.
        #expect(Pseudonymizer(dataKey: openedNew).pseudonym(of: "Urotate") == Pseudonymizer(dataKey: old).pseudonym(of: "Urotate"))
        let sealed = try EventSealer(dataKey: old).seal(Data("x".utf8), boundTo: "id")
        #expect(try EventSealer(dataKey: openedNew).open(sealed, boundTo: "id") == Data("x".utf8))
    }

    @Test func rotationWhileServingWithThePreviousKey() async throws {
        let harness = try await databaseWithACase()
        let store = SQLiteKeyStore(database: harness.base.database)
        // Step 1: the server restarts with the new key and the previous one.
        let serving = try await Keyring.open(store, current: new, previous: old)
        #expect(try fingerprints(harness).keyring == [old.fingerprint, new.fingerprint])
        #expect(try herMessages(harness, with: serving) == ["職場の人間関係がつらいです"])  // An old-key case key opens.
        // Step 2: rotate-key with the same settings, while that server keeps its keys.
        let rotator = try await Keyring.open(store, current: new, previous: old)
        #expect(try await Keyring.rotate(store, opened: rotator, to: new) == 1)
        #expect(try fingerprints(harness) == ([new.fingerprint], [new.fingerprint]))
        #expect(try herMessages(harness, with: serving) == ["職場の人間関係がつらいです"])
        // Step 3: without the previous key from now on.
        #expect(try herMessages(harness, with: try await Keyring.open(store, current: new)) == ["職場の人間関係がつらいです"])
    }

    @Test func aWrongKeyIsRefusedInOneSentence() async throws {
        let harness = try await databaseWithACase()
        do {
            _ = try await Keyring.open(SQLiteKeyStore(database: harness.base.database), current: new)
            Issue.record("a key that does not open the keyring was accepted")
        } catch let error as StartupError {
            #expect(error.message.contains("TSUNAGU_DATA_KEY_PREVIOUS"))
            #expect(!error.message.contains(TestSecrets.dataKeyBase64))
        }
    }
}
