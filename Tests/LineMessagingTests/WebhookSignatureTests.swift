import Foundation
import LineMessaging
import Testing
import TsunaguTesting

@Suite("x-line-signature verification")
struct WebhookSignatureTests {
    static let vectors = (try? OfficialSamples.signatureVectors()) ?? []

    @Test("the official vectors are there to test against")
    func vectorsAreLoaded() throws {
        #expect(try OfficialSamples.signatureVectors().count >= 5)
    }

    @Test("every official vector verifies, and signing reproduces it", arguments: vectors)
    func officialVector(_ vector: OfficialSamples.SignatureVector) {
        let signature = WebhookSignature(channelSecret: vector.channelSecret)
        #expect(signature.isValid(vector.expectedSignature, for: vector.body))
        #expect(signature.sign(vector.body) == vector.expectedSignature)
        for rejected in vector.mustRejectSignatures ?? [] {
            #expect(!signature.isValid(rejected, for: vector.body))
        }
    }

    @Test("a tampered body is rejected: one byte changed, one byte added, one byte removed", arguments: vectors)
    func tamperedBody(_ vector: OfficialSamples.SignatureVector) {
        let signature = WebhookSignature(channelSecret: vector.channelSecret)
        var flipped = vector.body
        flipped[flipped.startIndex] ^= 0x01
        #expect(!signature.isValid(vector.expectedSignature, for: flipped))
        #expect(!signature.isValid(vector.expectedSignature, for: vector.body + Data(" ".utf8)))
        #expect(!signature.isValid(vector.expectedSignature, for: vector.body.dropLast()))
    }

    @Test("the wrong channel secret is rejected", arguments: vectors)
    func wrongSecret(_ vector: OfficialSamples.SignatureVector) {
        let signature = WebhookSignature(channelSecret: vector.channelSecret + "x")
        #expect(!signature.isValid(vector.expectedSignature, for: vector.body))
    }

    @Test(
        "missing, empty and garbage signatures are rejected",
        arguments: [nil, "", "not base64 at all!", "AAAA", String(repeating: "A", count: 44), String(repeating: "QUFB", count: 1000)])
    func garbage(_ header: String?) {
        let signature = WebhookSignature(channelSecret: "secret")
        #expect(!signature.isValid(header, for: Data("{}".utf8)))
        #expect(signature.verify(Data("{}".utf8), signature: header) == nil)
    }

    @Test("a signature for another body does not verify this one")
    func signatureForAnotherBody() {
        let signature = WebhookSignature(channelSecret: "secret")
        #expect(!signature.isValid(signature.sign(Data("a".utf8)), for: Data("b".utf8)))
        #expect(signature.verify(Data("a".utf8), signature: signature.sign(Data("a".utf8)))?.bytes == Data("a".utf8))
    }
}
