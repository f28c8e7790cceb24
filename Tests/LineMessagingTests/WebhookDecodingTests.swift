import Foundation
import LineMessaging
import Testing
import TsunaguTesting

@Suite("Webhook body decoding")
struct WebhookDecodingTests {
    static let sampleFiles = (try? OfficialSamples.bodyFiles()) ?? []

    private func verified(_ data: Data) -> VerifiedWebhookBody {
        let signature = WebhookSignature(channelSecret: "s")
        return signature.verify(data, signature: signature.sign(data))!
    }

    @Test("a number that overflows a double is refused, even where no field reads it; large finite ones pass")
    func numbersMustBeFiniteDoubles() {
        // The number sits in a key no model reads, so only the body scanner can refuse it.
        func body(_ number: String) -> Data {
            Data(
                #"{"destination":"U0","events":[{"type":"unfollow","mode":"active","timestamp":1462629479859,"extra":\#(number),"source":{"type":"user","userId":"U1"},"webhookEventId":"E","deliveryContext":{"isRedelivery":false}}]}"#
                    .utf8)
        }
        for number in ["1E400", "-2e309", "35.6591080E7942215", String(repeating: "9", count: 310)] {
            #expect((try? WebhookRequestBody.decode(verified(body(number)))) == nil, "\(number.prefix(12))")
        }
        for number in ["1.7e308", "1." + String(repeating: "0", count: 400), String(repeating: "9", count: 300)] {
            #expect((try? WebhookRequestBody.decode(verified(body(number))))?.events.count == 1, "\(number.prefix(12))")
        }
    }

    @Test("all official sample bodies are found")
    func samplesAreThere() throws {
        #expect(try OfficialSamples.bodyFiles().count >= 30)
    }

    @Test("every official sample decodes, and every event keeps its type and its JSON", arguments: sampleFiles)
    func officialSample(_ file: URL) throws {
        let data = try Data(contentsOf: file)
        let decoded = try WebhookRequestBody.decode(verified(data))
        let generic = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let events = try #require(generic["events"] as? [[String: Any]])
        #expect(decoded.events.count == events.count)
        for (event, json) in zip(decoded.events, events) {
            #expect(event.type == json["type"] as? String)
            // The raw bytes are the event exactly as LINE sent it: a slice of the body that parses to it.
            #expect(data.range(of: event.rawJSON) != nil)
            let reparsed = try JSONSerialization.jsonObject(with: event.rawJSON) as? NSDictionary
            #expect(reparsed == (json as NSDictionary))
            if case .unknown(let type) = event.payload {
                #expect(!Self.knownTypes.contains(type), "known type \(type) fell back to unknown in \(file.lastPathComponent)")
            }
        }
    }

    static let knownTypes: Set<String> = [
        "message", "messageEdited", "unsend", "follow", "unfollow", "join", "leave", "memberJoined", "memberLeft",
        "postback", "videoPlayComplete", "beacon", "accountLink", "membership",
    ]

    @Test("the v3 sample's events decode into the right typed payloads")
    func typedPayloads() throws {
        let data = try Data(contentsOf: OfficialSamples.directory.appendingPathComponent("python-v3-webhook.json"))
        let events = try WebhookRequestBody.decode(verified(data)).events
        let first = try #require(events.first)
        guard case .message(.text(_, let text, _, _)) = first.payload else {
            Issue.record("first event is not a text message: \(first.payload)")
            return
        }
        #expect(!text.isEmpty)
        #expect(events.contains { if case .follow = $0.payload { true } else { false } })
        #expect(events.contains { if case .unsend = $0.payload { true } else { false } })
        #expect(events.contains { if case .messageEdited = $0.payload { true } else { false } })
        #expect(events.contains { if case .message(.sticker) = $0.payload { true } else { false } })
        #expect(events.contains { if case .postback = $0.payload { true } else { false } })
        #expect(events.contains { $0.isRedelivery })
        #expect(events.contains { if case .group = $0.source { true } else { false } })
        #expect(events.contains { if case .room = $0.source { true } else { false } })
        let unknown = try #require(events.last)
        #expect(unknown.payload == .unknown(type: "undefined"))
    }

    @Test("an unknown event type and an unknown message type are kept with their raw JSON")
    func unknownTypes() throws {
        let data = try Data(contentsOf: OfficialSamples.directory.appendingPathComponent("java-callback/unknown.json"))
        let events = try WebhookRequestBody.decode(verified(data)).events
        let event = try #require(events.first)
        #expect(event.payload == .unknown(type: event.type))
        #expect(String(decoding: event.rawJSON, as: UTF8.self).contains(event.type))
    }

    @Test("a known type with malformed fields becomes unknown instead of failing the request")
    func malformedKnownPayload() throws {
        let body = #"{"events":[{"type":"message","timestamp":1,"message":{"type":"text","id":"1","text":42}}]}"#
        let events = try WebhookRequestBody.decode(verified(Data(body.utf8))).events
        #expect(events.first?.payload == .unknown(type: "message"))
        #expect(
            events.first.map { String(decoding: $0.rawJSON, as: UTF8.self) }
                == #"{"type":"message","timestamp":1,"message":{"type":"text","id":"1","text":42}}"#)
    }

    @Test("unknown keys are ignored")
    func unknownKeys() throws {
        let body = #"{"future":true,"events":[{"type":"unfollow","timestamp":5,"extra":{"a":[1,2]},"source":{"type":"user","userId":"U1"}}]}"#
        let event = try #require(try WebhookRequestBody.decode(verified(Data(body.utf8))).events.first)
        #expect(event.payload == .unfollow)
        #expect(event.source == .user(userID: "U1"))
    }

    @Test(
        "bodies that are not of the webhook shape are refused",
        arguments: [
            "", "not json", "[]", "{}", #"{"events":{}}"#, #"{"events":[1]}"#, #"{"events":[{"timestamp":1}]}"#,
            #"{"events":[{"type":"follow"}]}"#, #"{"events":[{"type":"follow","timestamp":1e400}]}"#,
            #"{"events":[{"type":"follow","timestamp":"now"}]}"#, "{\"events\":[{\"type\":\"follow\",\"timestamp\":1}]",
            // Beyond the shape: duplicate or escaped `events` keys, trailing bytes, bad literals and numbers,
            // control characters in strings, bad escapes, and nesting deeper than any LINE body.
            #"{"events":[],"events":[]}"#, #"{"\u0065vents":[]}"#, #"{"events":[]} x"#, #"{"events":[]}{}"#,
            #"{"events":[{"type":"follow","timestamp":1,"x":tru}]}"#, #"{"events":[{"type":"follow","timestamp":01}]}"#,
            #"{"events":[{"type":"follow","timestamp":1,"x":1.}]}"#, #"{"events":[{"type":"follow","timestamp":1,"x":-}]}"#,
            "{\"events\":[{\"type\":\"fo\u{01}llow\",\"timestamp\":1}]}", #"{"events":[{"type":"follow\x","timestamp":1}]}"#,
            #"{"events":[{"type":"follow","timestamp":1,"x":"\u12G4"}]}"#, #"{"events":[1,]}"#, #"{"events":[],}"#,
            #"{"events":["# + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "]}",
        ])
    func malformedBodies(_ body: String) {
        #expect(throws: WebhookDecodingError.self) { try WebhookRequestBody.decode(verified(Data(body.utf8))) }
    }

    @Test("a body that is not valid UTF-8 is refused")
    func invalidUTF8() {
        var body = Data(#"{"events":[{"type":"message","timestamp":1,"message":{"type":"text","id":"1","text":"X"}}]}"#.utf8)
        body[body.firstIndex(of: UInt8(ascii: "X"))!] = 0xC3  // a lead byte with no continuation
        #expect(throws: WebhookDecodingError.self) { try WebhookRequestBody.decode(verified(body)) }
    }

    @Test("each event keeps its exact bytes, whitespace and key order included, and reasonable nesting passes")
    func exactBytes() throws {
        let first = #"{ "timestamp" : 7, "type":"unfollow" ,"future":{"a":[[[[1]]]],"b":"\u3042\n"}}"#
        let second = #"{"type":"follow","timestamp":8,"follow":{"isUnblocked":true}}"#
        let body = "{\"events\": [ \(first) ,\n \(second) ], \"destination\":\"U1\"}"
        let decoded = try WebhookRequestBody.decode(verified(Data(body.utf8)))
        #expect(decoded.destination == "U1")
        #expect(decoded.events.map { String(decoding: $0.rawJSON, as: UTF8.self) } == [first, second])
        #expect(decoded.events.map(\.payload) == [.unfollow, .follow(isUnblocked: true)])
    }

    @Test("an empty events array (the console's verify request) decodes to no events")
    func verifyRequest() throws {
        #expect(try WebhookRequestBody.decode(verified(Data(#"{"destination":"U1","events":[]}"#.utf8))).events.isEmpty)
    }
}
