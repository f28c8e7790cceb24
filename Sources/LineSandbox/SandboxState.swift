import Foundation
public import LineMessaging
import Synchronization

/// What the sandbox remembers: issued reply tokens, accepted retry keys, every accepted message per chat in
/// order, chats left, and the faults to inject.
final class SandboxState: Sendable {
    struct ReplyToken {
        let chatID: String
        let issuedAt: ContinuousClock.Instant
        var used: Bool
    }

    private struct Storage {
        var replyTokens: [String: ReplyToken] = [:]
        var retryKeys: [String: (requestID: String, messageIDs: [String])] = [:]
        var deliveries: [SandboxDelivery] = []
        var leftChats: [String] = []
        var nextMessageID: UInt64 = 600_000_000_000_000_000
        var acceptedRequests = 0
        var faults = SandboxFaults()
        var requestCount = 0
        var injectedFaults = 0
    }

    private let storage = Mutex(Storage())

    func issueReplyToken(for chatID: String) -> String {
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        storage.withLock { $0.replyTokens[token] = ReplyToken(chatID: chatID, issuedAt: .now, used: false) }
        return token
    }

    enum ReplyTokenCheck { case valid(chatID: String), invalid }

    /// Uses the token if it is known, unused and younger than `lifetime`; a token is never valid twice.
    func useReplyToken(_ token: String, lifetime: Duration) -> ReplyTokenCheck {
        storage.withLock { storage in
            guard var entry = storage.replyTokens[token], !entry.used, ContinuousClock.now - entry.issuedAt <= lifetime else {
                return .invalid
            }
            entry.used = true
            storage.replyTokens[token] = entry
            return .valid(chatID: entry.chatID)
        }
    }

    /// The earlier acceptance of `retryKey`, if any.
    func acceptedRetryKey(_ retryKey: String) -> (requestID: String, messageIDs: [String])? {
        storage.withLock { $0.retryKeys[retryKey] }
    }

    /// Records messages as delivered to `chatID`, atomically with remembering the retry key, and returns
    /// their ids; if the key was accepted meanwhile, returns `nil` and records nothing.
    func deliver(
        _ messages: [OutgoingMessage], to chatID: String, via method: SandboxDelivery.Method, retryKey: String?, requestID: String
    ) -> [String]? {
        storage.withLock { storage in
            if let retryKey, storage.retryKeys[retryKey] != nil { return nil }
            var ids: [String] = []
            storage.acceptedRequests += 1
            for message in messages {
                storage.nextMessageID += 1
                let id = String(storage.nextMessageID)
                ids.append(id)
                storage.deliveries.append(
                    SandboxDelivery(
                        messageID: id, chatID: chatID, method: method, message: message, retryKey: retryKey,
                        request: storage.acceptedRequests, receivedAt: Date().timeIntervalSince1970))
            }
            if let retryKey { storage.retryKeys[retryKey] = (requestID, ids) }
            return ids
        }
    }

    func recordLeave(_ chatID: String) { storage.withLock { $0.leftChats.append(chatID) } }

    var deliveries: [SandboxDelivery] { storage.withLock { $0.deliveries } }
    var leftChats: [String] { storage.withLock { $0.leftChats } }
    var injectedFaults: Int { storage.withLock { $0.injectedFaults } }

    var faults: SandboxFaults {
        get { storage.withLock { $0.faults } }
        set { storage.withLock { $0.faults = newValue } }
    }

    /// Counts a request and returns the fault to inject into it, if any.
    func nextFault() -> SandboxFaults.Injection? {
        storage.withLock { storage in
            storage.requestCount += 1
            let injection = storage.faults.injection(for: storage.requestCount)
            if injection != nil { storage.injectedFaults += 1 }
            return injection
        }
    }

    func reset() { storage.withLock { $0 = Storage() } }
}

/// One message the sandbox accepted, as the phone would show it.
public struct SandboxDelivery: Sendable, Hashable, Codable {
    public enum Method: String, Sendable, Hashable, Codable { case reply, push }

    public var messageID: String
    public var chatID: String
    public var method: Method
    public var message: OutgoingMessage
    /// The push's retry key, when it had one.
    public var retryKey: String?
    /// Which accepted request it came in (1, 2, …): a reply or push of several messages is one request, so one
    /// outbox entry shown once is one request.
    public var request: Int
    /// When the sandbox accepted it, in seconds since the epoch (for latency benchmarks).
    public var receivedAt: Double
}
