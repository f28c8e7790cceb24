import Foundation
import Testing
import TsunaguTesting

/// `scripts/chaos`: rounds of load while `tsunagud` is killed and LINE misbehaves (see ``ChaosRound``). The
/// number of rounds comes from `TSUNAGU_CHAOS_ROUNDS` (2 in the normal suite, 20 from the script); the first
/// round's seed from `TSUNAGU_CHAOS_SEED`, so a failed round can be replayed.
@Suite("chaos", .serialized)
struct ChaosTests {
    @Test(
        "every acknowledged event processed once, every send shown once and in order, no case stuck, the audit chain whole, no id or words of hers in a log"
    )
    func rounds() async throws {
        let environment = ProcessInfo.processInfo.environment
        let rounds = environment["TSUNAGU_CHAOS_ROUNDS"].flatMap(Int.init) ?? 2
        let firstSeed = environment["TSUNAGU_CHAOS_SEED"].flatMap(UInt64.init) ?? 1
        var failed = 0
        for round in 0..<rounds {
            let seed = firstSeed + UInt64(round)
            let (problems, summary) = try await ChaosRound(seed: seed).run()
            if !problems.isEmpty { failed += 1 }
            print("chaos round \(round + 1) (seed \(seed)): \(problems.isEmpty ? "passed" : problems.joined(separator: "; ")) — \(summary)")
            #expect(problems.isEmpty, "round \(round + 1), seed \(seed)")
        }
        print("chaos: \(rounds - failed) passed, \(failed) failed")
    }

    @Test(
        "three instances on one PostgreSQL, signed traffic spread across them, one SIGKILLed at a time: the same promises, no send left leased, no id or words of hers in any instance's log",
        .enabled(if: TestPostgres.isAvailable, Comment(rawValue: TestPostgres.unavailableReason)))
    func threeInstancesOnPostgres() async throws {
        let seed = ProcessInfo.processInfo.environment["TSUNAGU_CHAOS_SEED"].flatMap(UInt64.init) ?? 1
        let round = ChaosRound(seed: seed, postgresURL: try await TestPostgres.makeDatabaseURL(), instances: 3)
        let (problems, summary) = try await round.run()
        print("chaos on PostgreSQL (seed \(seed)): \(problems.isEmpty ? "passed" : problems.joined(separator: "; ")) — \(summary)")
        #expect(problems.isEmpty, "seed \(seed)")
    }
}
