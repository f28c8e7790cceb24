import ArgumentParser
import CurlHTTP
import Foundation
import Hummingbird
import LineSandbox

/// `line-sandbox`: the LINE stand-in as a process of its own, for benchmarks, chaos runs and manual trials.
@main
struct LineSandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "line-sandbox",
        abstract: "A local stand-in for the LINE platform: the Messaging API, a record of what it accepted, faults, and a phone.",
        subcommands: [Serve.self, SendText.self],
        defaultSubcommand: Serve.self)

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the Messaging API endpoints Tsunagu calls.",
            discussion: """
                Checks the bearer token and LINE's limits and records every accepted message \
                (GET /sandbox/deliveries). Point tsunagud at it with LINE_API_BASE_URL and \
                LINE_CHANNEL_ACCESS_TOKEN; give --webhook-url to let its phone side message Tsunagu. Every \
                /sandbox/* endpoint requires 'Authorization: Bearer <admin token>': --admin-token or \
                TSUNAGU_SANDBOX_TOKEN, or else a random one, printed at start.
                """)

        @Option(help: "Address to listen on.") var host = "127.0.0.1"
        @Option(help: "Port to listen on.") var port = 8082
        @Option(help: "The channel access token to accept.") var accessToken = "sandbox-access-token"
        @Option(help: "The channel secret webhooks are signed with (Tsunagu's LINE_CHANNEL_SECRET).") var channelSecret = "sandbox-channel-secret"
        @Option(help: "Tsunagu's webhook, for the phone side (e.g. http://127.0.0.1:8080/webhook).") var webhookUrl: String?
        @Option(help: "The token the /sandbox/* endpoints require (default: TSUNAGU_SANDBOX_TOKEN, or a random one, printed).")
        var adminToken = ProcessInfo.processInfo.environment["TSUNAGU_SANDBOX_TOKEN"] ?? ""
        @Option(help: "Milliseconds added before every answer.") var latencyMs = 0
        @Option(help: "Share of requests answered 500 (0 to 1).") var serverErrorRate = 0.0
        @Option(help: "Share of requests answered 429 (0 to 1).") var rateLimitRate = 0.0
        @Option(help: "Share of requests carried out but answered 500 (0 to 1).") var lostAnswerRate = 0.0
        @Option(help: "Share of requests carried out after which the connection is cut mid-answer (0 to 1).")
        var droppedConnectionRate = 0.0
        @Option(help: "Share of answers whose body is dribbled out over --slow-body-ms (0 to 1).") var slowBodyRate = 0.0
        @Option(help: "How long a slow body takes, in milliseconds.") var slowBodyMs = 2_000

        func validate() throws {
            for (name, rate) in [
                ("server-error-rate", serverErrorRate), ("rate-limit-rate", rateLimitRate), ("lost-answer-rate", lostAnswerRate),
                ("dropped-connection-rate", droppedConnectionRate), ("slow-body-rate", slowBodyRate),
            ] {
                guard (0...1).contains(rate) else { throw ValidationError("--\(name) must be between 0 and 1.") }
            }
            guard latencyMs >= 0 else { throw ValidationError("--latency-ms cannot be negative.") }
            guard slowBodyMs >= 0 else { throw ValidationError("--slow-body-ms cannot be negative.") }
        }

        func run() async throws {
            let token = adminToken.isEmpty ? LineSandbox.newAdminToken() : adminToken
            if adminToken.isEmpty {
                FileHandle.standardError.write(Data("line-sandbox: the /sandbox/* endpoints require 'Authorization: Bearer \(token)'\n".utf8))
            }
            let sandbox = LineSandbox(
                configuration: .init(
                    now: SystemTime.now, newID: SystemTime.newID, accessToken: accessToken, channelSecret: channelSecret,
                    webhookURL: webhookUrl, adminToken: token))
            sandbox.faults = SandboxFaults(
                latencyMilliseconds: latencyMs, serverErrorRate: serverErrorRate, rateLimitRate: rateLimitRate,
                lostAnswerRate: lostAnswerRate, droppedConnectionRate: droppedConnectionRate, slowBodyRate: slowBodyRate,
                slowBodyMilliseconds: slowBodyMs)
            let router = Router()
            sandbox.addRoutes(to: router)
            let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "line-sandbox"))
            try await app.runService()
        }
    }

    struct SendText: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-text",
            abstract: "Send a text message to Tsunagu as a young woman on her phone would, through a running sandbox.")

        @Option(help: "The running sandbox.") var sandbox = "http://127.0.0.1:8082"
        @Option(help: "The sandbox's admin token (default: TSUNAGU_SANDBOX_TOKEN).")
        var adminToken = ProcessInfo.processInfo.environment["TSUNAGU_SANDBOX_TOKEN"] ?? ""
        @Option(help: "Her (made-up) LINE user id.") var user = "U0123456789abcdef0123456789abcd01"
        @Argument(help: "What she writes.") var text: String

        func run() async throws {
            let body = try JSONEncoder().encode(["userId": user, "text": text])
            let response: HTTPClientResponse
            do {
                response = try await CurlTransport().send(
                    HTTPClientRequest(
                        method: "POST", url: sandbox + "/sandbox/phone/text",
                        headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(adminToken)")], body: body))
            } catch {
                FileHandle.standardError.write(Data("line-sandbox: no sandbox answered at \(sandbox); start one with `line-sandbox serve`.\n".utf8))
                throw ExitCode.failure
            }
            struct Answer: Decodable { var status: Int }
            if response.status == 401 {
                FileHandle.standardError.write(
                    Data("line-sandbox: the sandbox refused the admin token; pass the one it printed with --admin-token.\n".utf8))
                throw ExitCode.failure
            }
            guard response.status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: response.body) else {
                FileHandle.standardError.write(
                    Data("line-sandbox: the sandbox could not deliver it (HTTP \(response.status)); is --webhook-url set?\n".utf8))
                throw ExitCode.failure
            }
            print("Tsunagu answered \(answer.status)")
            if answer.status != 200 { throw ExitCode.failure }
        }
    }
}
