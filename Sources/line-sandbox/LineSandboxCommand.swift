import ArgumentParser
import Foundation
import Hummingbird
import LineSandbox

/// `line-sandbox`: the LINE stand-in as a process of its own, for benchmarks, chaos runs and manual trials.
@main
struct LineSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "line-sandbox",
        abstract: "A local stand-in for the LINE Messaging API, with a record of what it accepted and injectable faults.",
        discussion: """
            Serves the Messaging API endpoints Tsunagu calls on loopback, checks the bearer token and LINE's \
            limits, and records every accepted message (GET /sandbox/deliveries). Point tsunagud at it with \
            LINE_API_BASE_URL and LINE_CHANNEL_ACCESS_TOKEN.
            """)

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8082
    @Option(help: "The channel access token to accept.") var accessToken = "sandbox-access-token"
    @Option(help: "The channel secret webhooks are signed with.") var channelSecret = "sandbox-channel-secret"
    @Option(help: "Milliseconds added before every answer.") var latencyMs = 0
    @Option(help: "Share of requests answered 500 (0 to 1).") var serverErrorRate = 0.0
    @Option(help: "Share of requests answered 429 (0 to 1).") var rateLimitRate = 0.0
    @Option(help: "Share of requests carried out but answered 500 (0 to 1).") var lostAnswerRate = 0.0

    func validate() throws {
        for (name, rate) in [("server-error-rate", serverErrorRate), ("rate-limit-rate", rateLimitRate), ("lost-answer-rate", lostAnswerRate)] {
            guard (0...1).contains(rate) else { throw ValidationError("--\(name) must be between 0 and 1.") }
        }
        guard latencyMs >= 0 else { throw ValidationError("--latency-ms cannot be negative.") }
    }

    func run() async throws {
        let sandbox = LineSandbox(configuration: .init(accessToken: accessToken, channelSecret: channelSecret))
        sandbox.faults = SandboxFaults(
            latencyMilliseconds: latencyMs, serverErrorRate: serverErrorRate, rateLimitRate: rateLimitRate,
            lostAnswerRate: lostAnswerRate)
        let router = Router()
        sandbox.addRoutes(to: router)
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "line-sandbox"))
        try await app.runService()
    }
}
