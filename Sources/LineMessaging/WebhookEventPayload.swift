/// What happened, one case per event type of `webhook.yml`, plus `messageEdited` (newer than that file).
///
/// An event whose type is new to us, or whose type-specific fields do not have the documented shape, is
/// `unknown`: it is still stored (its raw JSON is kept), so nothing LINE sends is dropped.
public enum WebhookEventPayload: Sendable, Hashable {
    case message(WebhookMessage)
    case messageEdited(WebhookMessage)
    case unsend(messageID: String)
    case follow(isUnblocked: Bool)
    case unfollow
    case join
    case leave
    case memberJoined(members: [WebhookSource])
    case memberLeft(members: [WebhookSource])
    case postback(data: String, params: [String: String])
    case videoPlayComplete(trackingID: String)
    case beacon(hardwareID: String, type: String, deviceMessage: String?)
    case accountLink(result: String, nonce: String?)
    case membership(type: String, membershipID: Int64?)
    /// Module-channel and notification-message events (`module`, `activated`, `deactivated`, `botSuspended`,
    /// `botResumed`, `delivery`): partner features this service does not use, kept by name.
    case partnerFeature(type: String)
    case unknown(type: String)
}

extension WebhookEventPayload {
    private enum Keys: String, CodingKey {
        case message, unsend, follow, joined, left, postback, videoPlayComplete, beacon, link, membership
    }
    private struct MessageIDBody: Decodable { var messageId: String }
    private struct FollowBody: Decodable { var isUnblocked: Bool? }
    private struct MembersBody: Decodable { var members: [WebhookSource] }
    private struct PostbackBody: Decodable {
        var data: String
        var params: [String: String]?
    }
    private struct TrackingBody: Decodable { var trackingId: String }
    private struct BeaconBody: Decodable {
        var hwid: String
        var type: String
        var dm: String?
    }
    private struct LinkBody: Decodable {
        var result: String
        var nonce: String?
    }
    private struct MembershipBody: Decodable {
        var type: String
        var membershipId: Int64?
    }

    /// Decodes the type-specific part of an event of `type`; throws when the documented fields are malformed.
    init(type: String, from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch type {
        case "message": self = .message(try c.decode(WebhookMessage.self, forKey: .message))
        case "messageEdited": self = .messageEdited(try c.decode(WebhookMessage.self, forKey: .message))
        case "unsend": self = .unsend(messageID: try c.decode(MessageIDBody.self, forKey: .unsend).messageId)
        case "follow":
            self = .follow(isUnblocked: try c.decodeIfPresent(FollowBody.self, forKey: .follow)?.isUnblocked ?? false)
        case "unfollow": self = .unfollow
        case "join": self = .join
        case "leave": self = .leave
        case "memberJoined": self = .memberJoined(members: try c.decode(MembersBody.self, forKey: .joined).members)
        case "memberLeft": self = .memberLeft(members: try c.decode(MembersBody.self, forKey: .left).members)
        case "postback":
            let body = try c.decode(PostbackBody.self, forKey: .postback)
            self = .postback(data: body.data, params: body.params ?? [:])
        case "videoPlayComplete":
            self = .videoPlayComplete(trackingID: try c.decode(TrackingBody.self, forKey: .videoPlayComplete).trackingId)
        case "beacon":
            let body = try c.decode(BeaconBody.self, forKey: .beacon)
            self = .beacon(hardwareID: body.hwid, type: body.type, deviceMessage: body.dm)
        case "accountLink":
            let body = try c.decode(LinkBody.self, forKey: .link)
            self = .accountLink(result: body.result, nonce: body.nonce)
        case "membership":
            let body = try c.decode(MembershipBody.self, forKey: .membership)
            self = .membership(type: body.type, membershipID: body.membershipId)
        case "module", "activated", "deactivated", "botSuspended", "botResumed", "delivery":
            self = .partnerFeature(type: type)
        default: self = .unknown(type: type)
        }
    }
}
