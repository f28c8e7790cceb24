/// Whether her message asks to stop and erase what she wrote: a stop word as the whole message (やめる), or an
/// erasure phrase as the whole request (内容を消してください), never a phrase inside talk about something else
/// (スマホのトーク履歴を消しても大丈夫？, 元彼に写真のデータを消してって言ったのに).
///
/// Matching is on folded text (``TextNormalizer``) with を dropped, so データ消して and データを消して are one.
struct ErasureRequest: Sendable {
    private let words: Set<String>
    private let phrases: [String]
    private let endings: [String]
    private let lead: Int

    init(_ stop: ConversationScript.Stop) {
        func fold(_ text: String) -> String { TextNormalizer.normalize(text).replacing("を", with: "") }
        words = Set(stop.words.map(fold))
        phrases = (stop.erasurePhrases ?? []).map(fold).filter { !$0.isEmpty }
        endings = (stop.requestEndings ?? []).map(fold).filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        lead = stop.requestLead ?? 0
    }

    /// - Parameter folded: her message, folded.
    func matches(_ folded: String) -> Bool {
        var rest = Substring(folded.replacing("を", with: ""))
        if words.contains(String(rest)) { return true }
        // Peel request endings off one at a time (ほしいです → ほしい → …), checking the phrase at each step, since a
        // phrase may itself end the way a request does (消して).
        while true {
            if phrases.contains(where: { rest.hasSuffix($0) && rest.count - $0.count <= lead }) { return true }
            if words.contains(String(rest)) { return true }
            guard let ending = endings.first(where: { rest.hasSuffix($0) && rest.count > $0.count }) else { return false }
            rest = rest.dropLast(ending.count)
        }
    }
}
