import TsunaguCore

/// Who holds a case: the four holder changes, keeping claims alive, and the per-counsellor cap.
extension CaseStoreContract {
    /// An action that changes the holder and nothing else, as the case desk's `show` (renew) or `release` (drop) do.
    static func change(
        _ holder: CaseChange.Holder, of handle: String, by actor: String, in stores: Stores, now: Int64, lease: Int64 = 60_000, cap: Int = 3
    ) async throws {
        try await stores.cases.act(on: .handle(handle), by: actor, now: now, lease: lease, cap: cap, transcriptAfter: nil) { _ in
            (CaseChange(holder: holder), ())
        }
    }

    /// `keep` leaves the holder and lease; `renew` extends the holder's lease from now, and gives an unheld case no
    /// holder; `take` hands the case over with a fresh lease; `drop` puts it back in the queue at its place.
    public static func holderChanges(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato", "suzuki"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200)], in: stores)
        var broken: [String] = []
        let handle = try await claim(.next, by: "sato", in: stores, now: 1_000, lease: 60_000).handle
        func holding(_ name: String) async throws -> [String] {
            try await stores.cases.held(by: name).map { "\($0.topic ?? "?") until \($0.leaseUntil.map(String.init) ?? "-")" }
        }

        try await change(.keep, of: handle, by: "sato", in: stores, now: 2_000)
        if try await holding("sato") != ["n1 until 61000"] { broken.append("keep changed the claim: \(try await holding("sato"))") }
        try await change(.renew, of: handle, by: "sato", in: stores, now: 5_000)
        if try await holding("sato") != ["n1 until 65000"] { broken.append("renew gave \(try await holding("sato"))") }
        guard let other = try await stores.cases.queue(now: 5_000, limit: 10).items.first?.handle else { return broken + ["n2 not queued"] }
        try await change(.renew, of: other, by: "sato", in: stores, now: 5_000)
        if try await stores.cases.queue(now: 5_000, limit: 10).items.map(\.topic) != ["n2"] { broken.append("renew took an unheld case") }

        try await change(.take("suzuki"), of: handle, by: "sato", in: stores, now: 6_000)
        let (sato, suzuki) = (try await holding("sato"), try await holding("suzuki"))
        if suzuki != ["n1 until 66000"] || !sato.isEmpty { broken.append("take gave sato \(sato), suzuki \(suzuki)") }
        try await change(.drop, of: handle, by: "suzuki", in: stores, now: 7_000)
        if !(try await holding("suzuki")).isEmpty { broken.append("drop left suzuki \(try await holding("suzuki"))") }
        let (items, counts) = try await stores.cases.queue(now: 7_000, limit: 10)
        if items.map(\.topic) != ["n1", "n2"] || counts != [.normal: 2] { broken.append("after the drop, queued \(items.map(\.topic)), \(counts)") }
        let audited = try await stores.audit.entries().filter { $0.action.hasPrefix("case.") }.map(\.action)
        if audited != ["case.claim"] { broken.append("holder changes without an audit entry wrote \(audited)") }
        return broken
    }

    /// A poll keeps every open claim of its counsellor alive, all at once and only when one has less than half its
    /// lease left; nobody else's claim moves.
    public static func renewClaims(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato", "suzuki"], to: stores)
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200), ("n3", .normal, 300)], in: stores)
        _ = try await claim(.next, by: "sato", in: stores, now: 1_000, lease: 60_000)  // n1 until 61_000
        _ = try await claim(.next, by: "sato", in: stores, now: 30_000, lease: 60_000)  // n2 until 90_000
        _ = try await claim(.next, by: "suzuki", in: stores, now: 1_000, lease: 60_000)  // n3 until 61_000
        func leases(_ name: String) async throws -> [Int64?] { try await stores.cases.held(by: name).map(\.leaseUntil) }
        var broken: [String] = []

        try await stores.cases.renewClaims(of: "sato", now: 2_000, lease: 60_000)
        if try await leases("sato") != [61_000, 90_000] { broken.append("renewed with more than half left: \(try await leases("sato"))") }
        try await stores.cases.renewClaims(of: "sato", now: 40_000, lease: 60_000)
        if try await leases("sato") != [100_000, 100_000] { broken.append("renewal due gave \(try await leases("sato"))") }
        if try await leases("suzuki") != [61_000] { broken.append("a colleague's claim moved: \(try await leases("suzuki"))") }
        try await stores.cases.renewClaims(of: "nobody", now: 90_000, lease: 60_000)
        if try await leases("sato") != [100_000, 100_000] { broken.append("someone else's poll renewed sato's claims") }
        return broken
    }

    /// The cap counts a counsellor's live claims only: a lapsed one frees a place, and the case being taken does
    /// not count against itself; a colleague at the cap is named; only an active counsellor may hold a case.
    public static func capacity(_ make: MakeStores) async throws -> [String] {
        let stores = try await make()
        try await addCounsellors(["sato", "suzuki"], to: stores)
        _ = try await stores.staff.add(name: "tanaka", role: .supervisor, tokenHash: Array(repeating: 9, count: 32), by: "operator")
        try await queueCases([("n1", .normal, 100), ("n2", .normal, 200), ("n3", .normal, 300), ("n4", .normal, 400)], in: stores)
        var broken: [String] = []
        let first = try await claim(.next, by: "sato", in: stores, now: 1_000, lease: 1_000, cap: 2).handle  // n1 until 2_000
        let second = try await claim(.next, by: "sato", in: stores, now: 1_500, lease: 60_000, cap: 2).handle  // n2
        func refusal(_ body: () async throws -> Void) async throws -> CaseRefusal? {
            do {
                try await body()
                return nil
            } catch let refusal as CaseRefusal {
                return refusal
            }
        }
        let waiting = try await stores.cases.queue(now: 1_800, limit: 10).items.map(\.handle)
        guard waiting.count == 2 else { return broken + ["\(waiting.count) cases waiting, expected n3 and n4"] }
        let atCap = try await refusal { _ = try await claim(.handle(waiting[0]), by: "sato", in: stores, now: 1_800, cap: 2) }
        if atCap != .atCapacity(limit: 2) { broken.append("a third live claim under a cap of 2: \(String(describing: atCap))") }
        let again = try await refusal { try await change(.take("sato"), of: second, by: "sato", in: stores, now: 1_800, cap: 2) }
        if again != nil { broken.append("taking one's own case again at the cap was refused as \(String(describing: again))") }
        // At 3_000 the claim of n1 has lapsed: it stays sato's until taken, but no longer counts.
        let lapsed = try await refusal { _ = try await claim(.handle(waiting[0]), by: "sato", in: stores, now: 3_000, cap: 2) }
        if lapsed != nil { broken.append("a lapsed claim still counted against the cap: \(String(describing: lapsed))") }

        _ = try await claim(.handle(waiting[1]), by: "suzuki", in: stores, now: 3_000, cap: 1)
        let colleague = try await refusal { try await change(.take("suzuki"), of: first, by: "sato", in: stores, now: 3_000, cap: 1) }
        if colleague != .colleagueAtCapacity(name: "suzuki", limit: 1) {
            broken.append("handed to a full colleague: \(String(describing: colleague))")
        }
        _ = try await stores.staff.revoke(name: "suzuki", by: "operator")
        for name in ["suzuki", "tanaka"] {
            let refused = try await refusal { try await change(.take(name), of: first, by: "sato", in: stores, now: 3_000) }
            if refused != .unknownColleague(name: name) { broken.append("handed to \(name): \(String(describing: refused))") }
        }
        let held = try await stores.cases.held(by: "sato").map(\.handle).sorted()
        if held != [first, second, waiting[0]].sorted() { broken.append("sato holds \(held.count) cases, expected n1, n2 and n3") }
        return broken
    }
}
