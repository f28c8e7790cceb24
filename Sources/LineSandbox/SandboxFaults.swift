/// Faults the sandbox injects into Messaging API calls, to test the outbox against a LINE that is slow,
/// failing or rate-limiting. Rates are fractions of requests, applied by a seeded generator so that a run
/// can be repeated.
public struct SandboxFaults: Sendable, Hashable, Codable {
    /// Added before answering every request.
    public var latencyMilliseconds: Int = 0
    /// Share of requests answered 500.
    public var serverErrorRate: Double = 0
    /// Share of requests answered 429 with `Retry-After`.
    public var rateLimitRate: Double = 0
    /// Share of requests carried out and then answered 500, as if the answer had been lost on the way:
    /// the client cannot know it succeeded, which is what retry keys are for.
    public var lostAnswerRate: Double = 0
    /// Share of requests carried out after which the connection is cut before the answer is complete: the
    /// client sees a broken connection, not an HTTP status.
    public var droppedConnectionRate: Double = 0
    /// Share of answers whose body is dribbled out in small pieces over ``slowBodyMilliseconds``.
    public var slowBodyRate: Double = 0
    public var slowBodyMilliseconds: Int = 0
    /// The `Retry-After` seconds sent with injected 429s.
    public var retryAfterSeconds: Int = 1
    /// Seed of the generator that picks which requests fail.
    public var seed: UInt64 = 1

    public init(
        latencyMilliseconds: Int = 0, serverErrorRate: Double = 0, rateLimitRate: Double = 0, lostAnswerRate: Double = 0,
        droppedConnectionRate: Double = 0, slowBodyRate: Double = 0, slowBodyMilliseconds: Int = 0,
        retryAfterSeconds: Int = 1, seed: UInt64 = 1
    ) {
        self.droppedConnectionRate = droppedConnectionRate
        self.slowBodyRate = slowBodyRate
        self.slowBodyMilliseconds = slowBodyMilliseconds
        self.lostAnswerRate = lostAnswerRate
        self.latencyMilliseconds = latencyMilliseconds
        self.serverErrorRate = serverErrorRate
        self.rateLimitRate = rateLimitRate
        self.retryAfterSeconds = retryAfterSeconds
        self.seed = seed
    }

    private enum CodingKeys: String, CodingKey {
        case latencyMilliseconds, serverErrorRate, rateLimitRate, lostAnswerRate, droppedConnectionRate, slowBodyRate
        case slowBodyMilliseconds, retryAfterSeconds, seed
    }

    /// Any key may be left out (it keeps its default), so `{"serverErrorRate": 0.3}` is a whole configuration.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            latencyMilliseconds: try c.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0,
            serverErrorRate: try c.decodeIfPresent(Double.self, forKey: .serverErrorRate) ?? 0,
            rateLimitRate: try c.decodeIfPresent(Double.self, forKey: .rateLimitRate) ?? 0,
            lostAnswerRate: try c.decodeIfPresent(Double.self, forKey: .lostAnswerRate) ?? 0,
            droppedConnectionRate: try c.decodeIfPresent(Double.self, forKey: .droppedConnectionRate) ?? 0,
            slowBodyRate: try c.decodeIfPresent(Double.self, forKey: .slowBodyRate) ?? 0,
            slowBodyMilliseconds: try c.decodeIfPresent(Int.self, forKey: .slowBodyMilliseconds) ?? 0,
            retryAfterSeconds: try c.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1,
            seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 1)
    }

    enum Injection: Equatable {
        case serverError
        case rateLimited(retryAfterSeconds: Int)
        case lostAnswer
        case droppedConnection
        case slowBody(milliseconds: Int)
    }

    /// The fault for the `n`th request: a pure function of the seed and `n` (SplitMix64).
    func injection(for n: Int) -> Injection? {
        guard serverErrorRate > 0 || rateLimitRate > 0 || lostAnswerRate > 0 || droppedConnectionRate > 0 || slowBodyRate > 0
        else { return nil }
        var z = seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        let roll = Double(z >> 11) / Double(1 << 53)
        if roll < serverErrorRate { return .serverError }
        if roll < serverErrorRate + rateLimitRate { return .rateLimited(retryAfterSeconds: retryAfterSeconds) }
        var bound = serverErrorRate + rateLimitRate + lostAnswerRate
        if roll < bound { return .lostAnswer }
        bound += droppedConnectionRate
        if roll < bound { return .droppedConnection }
        bound += slowBodyRate
        if roll < bound { return .slowBody(milliseconds: slowBodyMilliseconds) }
        return nil
    }
}
