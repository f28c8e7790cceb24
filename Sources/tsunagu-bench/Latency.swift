import ArgumentParser
import CurlHTTP
import Foundation
import TsunaguCore

/// `tsunagu-bench latency`: open-loop load through the sandbox's phone, then the time from each message to
/// the bot's first answer reaching the sandbox.
struct Latency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send RATE new conversations a second for DURATION seconds through a running line-sandbox's phone "
            + "and report p50/p99 from message to first answer (ordinary and emergency messages).")

    @Option(help: "The running sandbox (its webhook URL points at tsunagud).") var sandbox = "http://127.0.0.1:18082"
    @Option(help: "The sandbox's admin token (default: TSUNAGU_SANDBOX_TOKEN).")
    var sandboxToken = ProcessInfo.processInfo.environment["TSUNAGU_SANDBOX_TOKEN"] ?? ""
    @Option(help: "New conversations a second.") var rate = 50
    @Option(help: "Seconds of load.") var duration = 10
    @Option(help: "Of every N conversations, one opens with emergency wording (0: none).") var emergencyEvery = 0
    @Option(help: "A label for the run, printed with the result.") var label = ""

    struct Sample: Sendable {
        var user: String
        var emergency: Bool
        var sentAt: Double
    }

    struct Delivery: Decodable {
        var chatID: String
        var message: Message
        var receivedAt: Double
        struct Message: Decodable { var text: String }
    }

    func run() async throws {
        let transport = CurlTransport(configuration: .init(connectTimeout: .seconds(5), totalTimeout: .seconds(30), maxConnectionsPerHost: 512))
        defer { transport.shutdown() }
        let authorization = (name: "Authorization", value: "Bearer \(sandboxToken)")
        let reset = try await transport.send(HTTPClientRequest(method: "POST", url: sandbox + "/sandbox/reset", headers: [authorization]))
        guard reset.status == 204 else {
            throw ValidationError("The sandbox at \(sandbox) answered \(reset.status) to a reset; pass its admin token with --sandbox-token.")
        }
        let total = rate * duration
        let interval = 1.0 / Double(rate)
        let start = SystemTime.seconds()
        let run = SystemTime.ids.next().uuidString.prefix(8)
        let samples = await withTaskGroup(of: Sample?.self) { group in
            for index in 0..<total {
                let due = start + Double(index) * interval
                let wait = due - SystemTime.seconds()
                if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
                let emergency = emergencyEvery > 0 && index % emergencyEvery == 0
                let user = "U\(run)\(String(format: "%023d", index))"
                let text = emergency ? "今から死にます、もう無理" : "こんにちは、相談したいことがあります"
                group.addTask {
                    struct Answer: Decodable {
                        var status: Int
                        var postedAt: Double
                    }
                    let body = try? JSONSerialization.data(withJSONObject: ["userId": user, "text": text])
                    let response = try? await transport.send(
                        HTTPClientRequest(
                            method: "POST", url: sandbox + "/sandbox/phone/text", headers: [("Content-Type", "application/json"), authorization],
                            body: body))
                    // The phone's own timestamp: the moment it posted the signed message to /webhook.
                    guard response?.status == 200, let answer = try? JSONDecoder().decode(Answer.self, from: response!.body),
                        answer.status == 200
                    else { return nil }
                    return Sample(user: user, emergency: emergency, sentAt: answer.postedAt)
                }
            }
            return await group.reduce(into: [Sample]()) { if let sample = $1 { $0.append(sample) } }
        }
        let loadSeconds = SystemTime.seconds() - start

        // Wait (at most 30 s) for every conversation's first answer.
        var first: [String: (Double, String)] = [:]
        let deadline = SystemTime.seconds() + 30
        while SystemTime.seconds() < deadline {
            let response = try await transport.send(HTTPClientRequest(method: "GET", url: sandbox + "/sandbox/deliveries", headers: [authorization]))
            let deliveries = try JSONDecoder().decode([Delivery].self, from: response.body)
            first = [:]
            for delivery in deliveries where first[delivery.chatID] == nil {
                first[delivery.chatID] = (delivery.receivedAt, delivery.message.text)
            }
            if samples.allSatisfy({ first[$0.user] != nil }) { break }
            try await Task.sleep(for: .milliseconds(200))
        }

        func report(_ name: String, _ group: [Sample]) {
            let latencies = group.compactMap { sample in first[sample.user].map { ($0.0 - sample.sentAt) * 1000 } }.sorted()
            guard !latencies.isEmpty else { return }
            func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)] }
            let missing = group.count - latencies.count
            print(
                String(
                    format: "%@ %@ rate=%d n=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f unanswered=%d load_s=%.1f", label, name, rate,
                    latencies.count, percentile(0.5), percentile(0.99), latencies.last!, missing, loadSeconds))
        }
        report("ordinary", samples.filter { !$0.emergency })
        let emergencies = samples.filter(\.emergency)
        report("emergency", emergencies)
        let wrong = emergencies.filter { first[$0.user].map { !$0.1.contains("#8008") } ?? false }.count
        if wrong > 0 { print("\(label) emergency first_answer_without_contacts=\(wrong)") }
        if samples.count < total { print("\(label) failed_sends=\(total - samples.count)") }
    }
}
