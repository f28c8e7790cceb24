import Foundation
import LineMessaging

/// The webhook's door: signature checking over arbitrary bytes and headers, and the body scanner and decoder
/// behind it. Besides never crashing, every event the decoder returns must be a JSON object on its own, since
/// those exact bytes are what the inbox seals.
let signature = WebhookSignature(channelSecret: "fuzzing-channel-secret")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let body = Data(bytes: start, count: count)
    // A header made of the input itself must never pass, nor crash the check.
    if signature.verify(body, signature: String(decoding: body.prefix(64), as: UTF8.self)) != nil, body.count > 0 {
        fatalError("an unsigned body passed the signature check")
    }
    guard let verified = signature.verify(body, signature: signature.sign(body)) else { fatalError("a signed body was refused") }
    guard let request = try? WebhookRequestBody.decode(verified) else { return 0 }
    for event in request.events {
        guard (try? JSONSerialization.jsonObject(with: event.rawJSON)) is [String: Any] else {
            fatalError("an event's raw bytes are not a JSON object")
        }
    }
    return 0
}
