import Foundation
public import LineMessaging
import Synchronization

/// What the sandbox remembers: issued reply tokens, accepted retry keys, every accepted message per chat in
/// order, chats left, and the faults to inject.
final class SandboxState: Sendable {
    /// A reply token as LINE documents it: single use, valid for a lifetime after the delivery that carried it,
    /// and, once its event is redelivered, only while the event itself is younger than the redelivery window.
    struct ReplyToken {
        let chatID: String
        /// The event's own time (its `timestamp`); a first delivery happens then.
        let eventAt: Date
        /// The latest (re)delivery of its event.
        var deliveredAt: Date
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
        var expiredReplyAttempts = 0
        var arrivedRequests = 0
        var richMenus: [String: RichMenu] = [:]
        var richMenuImages: [String: Data] = [:]
        var defaultRichMenu: String?
    }

    private let storage = Mutex(Storage())
    /// LINE's clock and ids, as the sandbox's runner gives them (``LineSandbox/Configuration``).
    private let now: @Sendable () -> Date
    private let newID: @Sendable () -> UUID

    init(now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID) {
        self.now = now
        self.newID = newID
    }

    /// A new `x-line-request-id`.
    func newRequestID() -> String { newID().uuidString.lowercased() }

    /// A new token for an event of `chatID` that happened at `eventAt`, delivered at `deliveredAt`.
    func issueReplyToken(for chatID: String, eventAt: Date, deliveredAt: Date) -> String {
        let token = newID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        storage.withLock { $0.replyTokens[token] = ReplyToken(chatID: chatID, eventAt: eventAt, deliveredAt: deliveredAt, used: false) }
        return token
    }

    /// Notes that the event carrying `token` is delivered again now.
    func redeliver(_ token: String) {
        let now = self.now()
        storage.withLock { $0.replyTokens[token]?.deliveredAt = now }
    }

    enum ReplyTokenCheck {
        case valid(chatID: String)
        case invalid
    }

    /// Uses the token if it is known, unused, within `lifetime` of its latest delivery and, if redelivered,
    /// within `redeliveryWindow` of its event; a token is never valid twice. A known, unused token tried too late
    /// is counted: a client that follows LINE's rules never does that.
    func useReplyToken(_ token: String, lifetime: Duration, redeliveryWindow: Duration) -> ReplyTokenCheck {
        let now = self.now()
        return storage.withLock { storage in
            guard var entry = storage.replyTokens[token], !entry.used else { return .invalid }
            let redelivered = entry.deliveredAt > entry.eventAt
            guard now.timeIntervalSince(entry.deliveredAt) <= lifetime.seconds,
                !redelivered || now.timeIntervalSince(entry.eventAt) <= redeliveryWindow.seconds
            else {
                storage.expiredReplyAttempts += 1
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
        let receivedAt = self.now().timeIntervalSince1970
        return storage.withLock { storage in
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
                        request: storage.acceptedRequests, receivedAt: receivedAt))
            }
            if let retryKey { storage.retryKeys[retryKey] = (requestID, ids) }
            return ids
        }
    }

    func recordLeave(_ chatID: String) { storage.withLock { $0.leftChats.append(chatID) } }

    func storeRichMenu(_ menu: RichMenu) -> String {
        let id = "richmenu-" + newID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        storage.withLock { $0.richMenus[id] = menu }
        return id
    }

    func richMenu(_ id: String) -> RichMenu? { storage.withLock { $0.richMenus[id] } }
    func richMenuImage(_ id: String) -> Data? { storage.withLock { $0.richMenuImages[id] } }

    /// Stores the image unless the menu has one already (LINE allows one upload per menu).
    func storeRichMenuImage(_ image: Data, for id: String) -> Bool {
        storage.withLock { storage in
            guard storage.richMenuImages[id] == nil else { return false }
            storage.richMenuImages[id] = image
            return true
        }
    }

    func setDefaultRichMenu(_ id: String) { storage.withLock { $0.defaultRichMenu = id } }
    var defaultRichMenu: String? { storage.withLock { $0.defaultRichMenu } }

    var deliveries: [SandboxDelivery] { storage.withLock { $0.deliveries } }
    var leftChats: [String] { storage.withLock { $0.leftChats } }
    var injectedFaults: Int { storage.withLock { $0.injectedFaults } }
    var expiredReplyAttempts: Int { storage.withLock { $0.expiredReplyAttempts } }
    var arrivedRequests: Int { storage.withLock { $0.arrivedRequests } }

    /// Counts a Messaging API request the moment it arrives, before any injected latency.
    func noteArrival() { storage.withLock { $0.arrivedRequests += 1 } }

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

extension Duration {
    /// The duration in seconds, fractions included.
    fileprivate var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
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
