import Crypto
public import Foundation
import LineMessaging
public import TsunaguCore

/// Turns a signed webhook request into durable inbox events: verify, decode, seal, pseudonymise, append.
///
/// It is the whole ingress decision without HTTP, so route tests and the benchmark exercise the same code.
/// Nothing identifying leaves it in clear: the events it stores carry only the chat's pseudonym, and the
/// event's JSON is sealed and bound to its event id.
public struct WebhookIngestor: Sendable {
    /// What the HTTP layer should answer.
    public enum Outcome: Sendable, Equatable {
        /// The signature is missing or wrong: 401, nothing read further.
        case unauthorized
        /// Signed, but not JSON of the webhook shape: 400.
        case malformed
        /// Every event is durable (stored now, or already stored earlier): 200.
        case accepted(stored: Int, duplicates: Int)
    }

    private let signature: WebhookSignature
    private let sealer: EventSealer
    private let pseudonymizer: Pseudonymizer
    private let inbox: any InboxStore
    /// When each request is received: reply tokens are fresh from then.
    private let clock: WallClock
    private let doorbells: [Doorbell]

    /// - Parameter doorbells: rung once events are stored: the processor's, and the sender's (the inbox may
    ///   have answered them in the same transaction).
    public init(
        channelSecret: String, dataKey: DataKey, inbox: any InboxStore, doorbells: [Doorbell] = [], clock: WallClock
    ) {
        self.doorbells = doorbells
        self.signature = WebhookSignature(channelSecret: channelSecret)
        self.sealer = EventSealer(dataKey: dataKey)
        self.pseudonymizer = Pseudonymizer(dataKey: dataKey)
        self.inbox = inbox
        self.clock = clock
    }

    /// - Throws: only when the inbox cannot store the events; then nothing was acknowledged.
    public func ingest(body: Data, signatureHeader: String?) async throws -> Outcome {
        guard let verified = signature.verify(body, signature: signatureHeader) else { return .unauthorized }
        let request: WebhookRequestBody
        do {
            request = try WebhookRequestBody.decode(verified)
        } catch {
            return .malformed
        }
        guard !request.events.isEmpty else { return .accepted(stored: 0, duplicates: 0) }

        let receivedAt = clock.now()
        let events = try request.events.map { try inboxEvent(for: $0, receivedAt: receivedAt) }
        let outcomes = try await inbox.append(events)
        let stored = outcomes.count { $0 == .stored }
        if stored > 0 { for doorbell in doorbells { doorbell.ring() } }
        return .accepted(stored: stored, duplicates: outcomes.count - stored)
    }

    private func inboxEvent(for event: WebhookEvent, receivedAt: Int64) throws -> InboxEvent {
        let eventID = event.webhookEventID ?? Self.derivedEventID(for: event)
        let (kind, chatID) = Self.sourceKind(of: event.source)
        return InboxEvent(
            eventID: eventID,
            eventType: event.type,
            occurredAt: event.timestamp,
            receivedAt: receivedAt,
            sourceKind: kind,
            conversation: chatID.map(pseudonymizer.pseudonym(of:)),
            sealedEvent: try sealer.seal(event.rawJSON, boundTo: eventID),
            received: event,
            eventDigest: sealer.digest(ofEventID: eventID))
    }

    private static func sourceKind(of source: WebhookSource?) -> (SourceKind, String?) {
        switch source {
        case .user(let userID): (.user, userID)
        case .group(let groupID, _): (.group, groupID)
        case .room(let roomID, _): (.room, roomID)
        case .unknown, nil: (.none, nil)
        }
    }

    /// An id for old-format events that carry no `webhookEventId`: a digest of the event's bytes, which a
    /// redelivery repeats exactly (such events have no `deliveryContext` to differ in).
    static func derivedEventID(for event: WebhookEvent) -> String {
        "sha256:" + SHA256.hash(data: event.rawJSON).prefix(16).hexString
    }
}
