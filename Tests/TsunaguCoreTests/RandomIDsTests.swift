import Foundation
import Testing
import TsunaguCore

/// The production id source: version-4 UUIDs, as LINE requires of a retry key, and none repeated.
@Suite struct RandomIDsTests {
    @Test func versionFourAndNeverRepeated() {
        let ids = (0..<10_000).map { _ in RandomIDs().next() }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            let text = id.uuidString.lowercased()
            #expect(text.count == 36)
            #expect(Array(text)[14] == "4", "version nibble of \(text)")
            #expect("89ab".contains(Array(text)[19]), "variant of \(text)")
        }
        // Every other bit varies: across many ids, no bit outside version and variant is stuck.
        let fixedMask: [UInt8] = [0, 0, 0, 0, 0, 0, 0xF0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0]
        var seenOne = [UInt8](repeating: 0, count: 16)
        var seenZero = [UInt8](repeating: 0, count: 16)
        for id in ids {
            withUnsafeBytes(of: id.uuid) { bytes in
                for index in 0..<16 {
                    seenOne[index] |= bytes[index]
                    seenZero[index] |= ~bytes[index]
                }
            }
        }
        for index in 0..<16 { #expect((seenOne[index] & seenZero[index]) | fixedMask[index] == 0xFF, "byte \(index)") }
    }
}
