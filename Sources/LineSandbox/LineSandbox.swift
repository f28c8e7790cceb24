public import CurlHTTP
public import Foundation
import HTTPTypes
public import Hummingbird
public import LineMessaging

/// A local stand-in for the LINE platform, on loopback: the Messaging API endpoints Tsunagu calls, a record
/// of every message it accepted, injectable faults, and the phone side, which signs webhook events for a
/// simulated user as LINE would.
///
/// Used by the integration tests, by `scripts/run` when no real channel is configured, and by newcomers who
/// want to see the whole loop without a LINE account.
public final class LineSandbox: Sendable {
    public struct Configuration: Sendable {
        /// LINE's clock: when tokens are issued and expire, when deliveries arrive, the time in event ids. Given by
        /// whoever runs the sandbox (its composition root: `line-sandbox`, `tsunagud` in sandbox mode, the tests).
        public var now: @Sendable () -> Date
        /// LINE's ids: reply tokens, request ids, rich menu ids.
        public var newID: @Sendable () -> UUID
        /// The channel access token the Messaging API endpoints accept.
        public var accessToken: String
        /// The channel secret webhook events are signed with.
        public var channelSecret: String
        /// How long a reply token works after the (re)delivery that carried it (LINE: about a minute).
        public var replyTokenLifetime: Duration
        /// How long after its event a redelivered event's token still works (LINE: 20 minutes).
        public var redeliveredTokenWindow: Duration
        /// The bot's own user id, as `GET /v2/bot/info` and webhook `destination` give it.
        public var botUserID: String
        /// Where the phone side posts webhook events: Tsunagu's `/webhook`.
        public var webhookURL: String?
        /// The bearer token every `/sandbox/*` endpoint requires: they show what the bot sent and sign webhooks as
        /// her, so being on loopback is not enough. A new random one unless given (``LineSandbox/newAdminToken()``).
        public var adminToken: String

        public init(
            now: @escaping @Sendable () -> Date, newID: @escaping @Sendable () -> UUID,
            accessToken: String, channelSecret: String, replyTokenLifetime: Duration = .seconds(60),
            redeliveredTokenWindow: Duration = .seconds(20 * 60), botUserID: String = "U00000000000000000000000000000b07",
            webhookURL: String? = nil, adminToken: String = LineSandbox.newAdminToken()
        ) {
            self.now = now
            self.newID = newID
            self.adminToken = adminToken
            self.redeliveredTokenWindow = redeliveredTokenWindow
            self.webhookURL = webhookURL
            self.accessToken = accessToken
            self.channelSecret = channelSecret
            self.replyTokenLifetime = replyTokenLifetime
            self.botUserID = botUserID
        }
    }

    public let configuration: Configuration
    private let state: SandboxState

    public init(configuration: Configuration) {
        self.configuration = configuration
        self.state = SandboxState(now: configuration.now, newID: configuration.newID)
    }

    /// 32 random bytes, base64url without padding (43 characters): a new admin token.
    public static func newAdminToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The Messaging API endpoints (LINE's bearer token) and the admin endpoints under `/sandbox` (the admin token).
    public func addRoutes(to router: Router<BasicRequestContext>) {
        MessagingAPIController(configuration: configuration, state: state).addRoutes(to: router)
        SandboxAdminController(sandbox: self).addRoutes(to: router)
    }

    /// Every message accepted so far, in the order accepted.
    public var deliveries: [SandboxDelivery] { state.deliveries }

    /// The messages accepted for one chat, in order.
    public func deliveries(to chatID: String) -> [SandboxDelivery] { state.deliveries.filter { $0.chatID == chatID } }

    /// The rich menu set as everyone's default, with its image, if any.
    public var defaultRichMenu: (menu: RichMenu, image: Data)? {
        guard let id = state.defaultRichMenu, let menu = state.richMenu(id), let image = state.richMenuImage(id) else { return nil }
        return (menu, image)
    }

    /// The group and room ids the bot left.
    public var leftChats: [String] { state.leftChats }

    /// Faults applied to every following Messaging API call.
    public var faults: SandboxFaults {
        get { state.faults }
        set { state.faults = newValue }
    }

    /// How many requests were answered with an injected fault so far.
    public var injectedFaults: Int { state.injectedFaults }

    /// How many replies used a token past its life (a minute from its delivery, 20 minutes from a redelivered
    /// event): a client that keeps LINE's rules makes none.
    public var expiredReplyAttempts: Int { state.expiredReplyAttempts }

    /// How many Messaging API requests have arrived so far, counted before any injected latency: a test can wait
    /// until its calls are at "LINE" and unanswered.
    public var arrivedRequests: Int { state.arrivedRequests }

    /// Forgets everything: tokens, retry keys, deliveries, faults.
    public func reset() { state.reset() }

    /// A reply token for `chatID`, valid once, for ``Configuration/replyTokenLifetime`` from `deliveredAt` (by
    /// default, now: an event that happened just now).
    public func issueReplyToken(for chatID: String, eventAt: Date? = nil, deliveredAt: Date? = nil) -> String {
        let eventAt = eventAt ?? configuration.now()
        return state.issueReplyToken(for: chatID, eventAt: eventAt, deliveredAt: deliveredAt ?? eventAt)
    }

    /// `event` as LINE redelivers it now: identical but for `deliveryContext.isRedelivery`, with the same id,
    /// timestamp and reply token, whose minute starts again, but only while the event is younger than
    /// ``Configuration/redeliveredTokenWindow``.
    public func redelivery(of event: JSONValue) -> JSONValue {
        guard case .object(var fields) = event else { return event }
        fields["deliveryContext"] = .object(["isRedelivery": .bool(true)])
        if case .string(let token) = fields["replyToken"] { state.redeliver(token) }
        return .object(fields)
    }

    // MARK: - The phone side

    /// A signed webhook request carrying one text message from `userID`, with a fresh reply token.
    /// - Parameter date: when she wrote it (default: now).
    public func textMessageWebhook(from userID: String, text: String, at date: Date? = nil) -> (body: Data, signature: String) {
        let date = date ?? configuration.now()
        let eventID = Self.eventID(at: date)
        let timestamp = Int64(date.timeIntervalSince1970 * 1000)
        let event: JSONValue = .object([
            "type": .string("message"), "mode": .string("active"), "timestamp": .integer(timestamp),
            "source": .object(["type": .string("user"), "userId": .string(userID)]),
            "webhookEventId": .string(eventID), "deliveryContext": .object(["isRedelivery": .bool(false)]),
            "replyToken": .string(issueReplyToken(for: userID, eventAt: date)),
            "message": .object([
                "id": .string(String(timestamp)), "type": .string("text"), "text": .string(text),
                "quoteToken": .string("q" + eventID), "markAsReadToken": .string("r" + eventID),
            ]),
        ])
        return signed([event])
    }

    /// Posts a signed text message from `userID` to ``Configuration/webhookURL``, as LINE would deliver it,
    /// and returns the HTTP status Tsunagu answered.
    public func sendText(_ text: String, from userID: String, over transport: any HTTPTransport) async throws -> Int {
        guard let url = configuration.webhookURL else {
            throw HTTPTransportError(.invalidRequest, "The sandbox has no webhook URL to post to.")
        }
        let (body, signature) = textMessageWebhook(from: userID, text: text)
        let response = try await transport.send(
            HTTPClientRequest(
                method: "POST", url: url,
                headers: [("Content-Type", "application/json"), ("x-line-signature", signature)], body: body))
        return response.status
    }

    /// Posts one signed event from `userID`'s phone (a postback, a sticker, …) to ``Configuration/webhookURL``;
    /// returns the HTTP status Tsunagu answered.
    public func send(_ event: PhoneEvent, from userID: String, over transport: any HTTPTransport) async throws -> Int {
        guard let url = configuration.webhookURL else {
            throw HTTPTransportError(.invalidRequest, "The sandbox has no webhook URL to post to.")
        }
        let (body, signature) = signed([self.event(event, from: userID)])
        let response = try await transport.send(
            HTTPClientRequest(
                method: "POST", url: url,
                headers: [("Content-Type", "application/json"), ("x-line-signature", signature)], body: body))
        return response.status
    }

    /// Signs a webhook body of `events` as LINE would.
    public func signed(_ events: [JSONValue]) -> (body: Data, signature: String) {
        let body =
            (try? JSONEncoder().encode(
                JSONValue.object(["destination": .string(configuration.botUserID), "events": .array(events)]))) ?? Data()
        return (body, WebhookSignature(channelSecret: configuration.channelSecret).sign(body))
    }

    /// A 26-character ULID-shaped id: 10 characters of time, 16 of randomness, Crockford Base32.
    static func eventID(at date: Date) -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var time = UInt64(date.timeIntervalSince1970 * 1000)
        var characters = [Character](repeating: "0", count: 26)
        for index in stride(from: 9, through: 0, by: -1) {
            characters[index] = alphabet[Int(time & 31)]
            time >>= 5
        }
        for index in 10..<26 { characters[index] = alphabet[Int.random(in: 0..<32)] }
        return String(characters)
    }
}
