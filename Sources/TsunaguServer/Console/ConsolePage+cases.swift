import TsunaguCore

// The counsellors' pages: the queue, one case's chat, the hand-over.
extension ConsolePage {
    static func queue(_ viewer: Viewer) -> String {
        typealias H = HTML
        let counsellor = viewer.role == .counsellor
        func count(_ id: String, _ label: String) -> HTML {
            H.el("div", [("class", "count \(id)")], H.el("dt", [], H.text(label)), H.el("dd", [("id", "count-\(id)")], H.text("–")))
        }
        var main: [HTML] = [
            H.el("h1", [], H.text("待っている相談")),
            H.el("dl", [("class", "counts"), ("aria-label", "待っている人数")], count("emergency", "緊急"), count("urgent", "急ぎ"), count("normal", "通常")),
        ]
        if counsellor {
            main.append(H.el("p", [], H.el("button", [("type", "button"), ("id", "claim-next"), ("class", "primary")], H.text("次の相談を受ける"))))
        }
        main.append(
            H.el(
                "table", [("class", "queue"), ("aria-describedby", "queue-note")],
                H.el("caption", [], H.text("緊急・急ぎの相談が先頭です。待ち時間は自動で更新されます。")),
                H.el(
                    "thead", [],
                    H.element(
                        "tr", [],
                        (["相談番号", "優先度", "相談内容", "待ち時間"] + (counsellor ? ["操作"] : [])).map { H.el("th", [("scope", "col")], H.text($0)) })),
                H.el("tbody", [("id", "queue-body")])))
        main.append(H.el("p", [("id", "queue-note"), ("class", "hint")], H.text("だれも待っていません。")))
        if counsellor {
            main.append(H.el("h2", [], H.text("担当中の相談")))
            main.append(H.el("ul", [("id", "mine"), ("class", "mine")]))
        }
        main.append(H.el("p", [("id", "feed-status"), ("class", "status"), ("aria-live", "polite")]))
        return layout(title: "待機列", page: "queue", viewer: viewer, main)
    }

    static func chat(_ viewer: Viewer, handle: String) -> String {
        typealias H = HTML
        func field(_ id: String, _ label: String, _ control: HTML) -> HTML {
            H.el("div", [("class", "field")], H.el("label", [("for", id)], H.text(label)), control)
        }
        let talk = H.el(
            "section", [("class", "talk"), ("aria-label", "やりとり")],
            H.el("ol", [("id", "transcript"), ("class", "transcript"), ("aria-live", "polite"), ("aria-label", "やりとり")]),
            H.el(
                "form", [("id", "reply-form"), ("class", "compose")],
                field("reply-text", "返信（彼女のLINEに届きます）", H.el("textarea", [("id", "reply-text"), ("rows", "3"), ("required", "")])),
                H.el("button", [("type", "submit"), ("class", "primary")], H.text("送信"))))
        let side = H.el(
            "aside", [("class", "side"), ("aria-label", "定型文・メモ・引き継ぎ・終了")],
            H.el(
                "form", [("id", "canned-form")],
                field("canned", "定型文", H.el("select", [("id", "canned")])),
                H.el("button", [("type", "submit")], H.text("定型文を送る"))),
            H.el(
                "form", [("id", "note-form")],
                field("note-text", "メモ（相談員だけが読めます。送信されません）", H.el("textarea", [("id", "note-text"), ("rows", "2"), ("required", "")])),
                H.el("button", [("type", "submit")], H.text("メモを残す"))),
            H.el(
                "form", [("id", "transfer-form")],
                field("colleague", "引き継ぐ相談員の名前（空なら待機列へ）", H.el("input", [("id", "colleague"), ("type", "text"), ("autocomplete", "off")])),
                H.el("button", [("type", "submit")], H.text("引き継ぐ")), H.text(" "),
                H.el("button", [("type", "button"), ("id", "release")], H.text("待機列に戻す"))),
            H.el(
                "form", [("id", "close-form")],
                field("outcome", "結果", H.el("select", [("id", "outcome"), ("required", "")])),
                field("referral", "紹介先", H.el("select", [("id", "referral")])),
                H.el("button", [("type", "submit")], H.text("相談を終了する"))))
        let main: [HTML] = [
            H.el(
                "div", [("class", "case-head")], H.el("h1", [], H.text("相談 \(handle)")), H.el("p", [("id", "summary"), ("class", "summary")]),
                H.el("a", [("href", "/console/handover")], H.text("引き継ぎ用のまとめ"))),
            H.el("p", [("id", "case-status"), ("class", "status"), ("role", "status")]),
            H.el("div", [("class", "chat")], talk, side),
        ]
        return layout(title: "相談 \(handle)", page: "case", viewer: viewer, data: [("data-handle", handle)], main)
    }

    static func handover(_ viewer: Viewer) -> String {
        typealias H = HTML
        return layout(
            title: "引き継ぎ", page: "handover", viewer: viewer,
            [
                H.el("h1", [], H.text("引き継ぎ用のまとめ")),
                H.el("p", [("class", "hint")], H.text("担当中の相談とそのメモ、急ぎで待っている相談です。メモを読んだことは監査ログに残ります。")),
                H.el("p", [("id", "handover-waiting")]),
                H.el("div", [("id", "handover-cases")]),
                H.el("h2", [], H.text("急ぎで待っている相談")),
                H.el("ul", [("id", "handover-urgent")]),
            ])
    }
}
