public import TsunaguCore

/// The behaviour every ``StaffStore`` and ``AuditLog`` backend must show, written once. Each check returns the
/// promises it found broken.
public enum StaffStoreContract {
    public typealias MakeStores = @Sendable () async throws -> (staff: any StaffStore, audit: any AuditLog)

    static func hash(_ byte: UInt8) -> [UInt8] { Array(repeating: byte, count: 32) }

    /// A member is found by their token's hash until revoked; names are unique, also among revoked members.
    public static func members(_ make: MakeStores) async throws -> [String] {
        let (staff, _) = try await make()
        var broken: [String] = []
        _ = try await staff.add(name: "sato", role: .counsellor, tokenHash: hash(7), by: "operator")
        if try await staff.member(withTokenHash: hash(7))?.name != "sato" { broken.append("not found by the token") }
        if try await staff.member(withTokenHash: hash(8)) != nil { broken.append("found by another token") }
        do {
            _ = try await staff.add(name: "sato", role: .admin, tokenHash: hash(9), by: "operator")
            broken.append("a taken name was accepted")
        } catch is StaffNameTaken {
        }
        if try await !staff.revoke(name: "sato", by: "operator") { broken.append("revoking failed") }
        if try await staff.revoke(name: "sato", by: "operator") { broken.append("revoked twice") }
        if try await staff.member(withTokenHash: hash(7)) != nil { broken.append("still found after revoking") }
        do {
            _ = try await staff.add(name: "sato", role: .admin, tokenHash: hash(9), by: "operator")
            broken.append("a revoked member's name was given again")
        } catch is StaffNameTaken {
        }
        let listed = try await staff.list()
        if listed.map(\.name) != ["sato"] || listed.first?.revokedAt == nil || listed.first?.role != .counsellor {
            broken.append("listed \(listed)")
        }
        return broken
    }

    /// Every change is in the chained audit log, in order, and the chain verifies; refused changes leave none.
    public static func auditTrail(_ make: MakeStores) async throws -> [String] {
        let (staff, audit) = try await make()
        var broken: [String] = []
        _ = try await staff.add(name: "sato", role: .counsellor, tokenHash: hash(1), by: "operator")
        _ = try await staff.add(name: "suzuki", role: .supervisor, tokenHash: hash(2), by: "operator")
        _ = try? await staff.add(name: "suzuki", role: .admin, tokenHash: hash(3), by: "operator")
        _ = try await staff.revoke(name: "sato", by: "operator")
        _ = try await staff.revoke(name: "nobody", by: "operator")
        let entries = try await audit.entries()
        if entries.map(\.action) != ["staff.add", "staff.add", "staff.revoke"] { broken.append("actions \(entries.map(\.action))") }
        if entries.map(\.sequence) != [1, 2, 3] { broken.append("sequences \(entries.map(\.sequence))") }
        if entries.map(\.detail) != ["sato as counsellor", "suzuki as supervisor", "sato"] { broken.append("details \(entries.map(\.detail))") }
        let verification = try await audit.verify()
        if verification != AuditVerification(entries: 3, firstBroken: nil) { broken.append("verification \(verification)") }
        return broken
    }

    /// Concurrent changes each get their own entry, and the chain stays one unbroken line.
    public static func concurrentChanges(_ make: MakeStores) async throws -> [String] {
        let (staff, audit) = try await make()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<24 {
                group.addTask { _ = try await staff.add(name: "member\(index)", role: .counsellor, tokenHash: hash(UInt8(index)), by: "operator") }
            }
            try await group.waitForAll()
        }
        var broken: [String] = []
        let entries = try await audit.entries()
        if entries.map(\.sequence) != Array(1...24) { broken.append("sequences \(entries.map(\.sequence))") }
        if try await !audit.verify().holds { broken.append("the chain does not verify") }
        if try await staff.list().count != 24 { broken.append("members missing") }
        return broken
    }

    public static let all: [(name: String, check: @Sendable (MakeStores) async throws -> [String])] = [
        ("members", members), ("auditTrail", auditTrail), ("concurrentChanges", concurrentChanges),
    ]
}
