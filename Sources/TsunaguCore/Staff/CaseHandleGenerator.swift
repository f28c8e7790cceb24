/// The short handle counsellors use for a case, such as `A7K2`: characters from an alphabet without look-alikes
/// (no 0/O, 1/I/L), unique among all cases. It says nothing about her; it only has to be easy to read aloud
/// and to type. Each store checks uniqueness its own way; this says what to try.
public enum CaseHandleGenerator {
    public static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// How many tries a store makes before giving up (it then takes a ten-character handle).
    public static let attempts = 64

    public static func random(length: Int, using generator: inout some RandomNumberGenerator) -> String {
        String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Four characters while they last, then six; ten once the tries ran out.
    public static func length(ofAttempt attempt: Int) -> Int {
        attempt < attempts / 2 ? 4 : attempt < attempts ? 6 : 10
    }
}
