import TsunaguCore

/// The console's pages, rendered on the server: the skeleton, the labels and the forms, in Japanese. What
/// changes (the queue, her messages, the figures) is filled in by the page's script from the staff API.
enum ConsolePage {
    /// Who is signed in, as the header shows it.
    struct Viewer {
        var name: String
        var role: StaffRole
        var csrfToken: String
        /// What the script's ids mean (topics, urgency, outcomes…), as JSON for the page's script.
        var labels: String
    }

    static func roleLabel(_ role: StaffRole) -> String {
        switch role {
        case .counsellor: "相談員"
        case .supervisor: "スーパーバイザー"
        case .admin: "管理者"
        }
    }

    /// The pages a role may open, in the order of the navigation.
    static func navigation(for role: StaffRole) -> [(path: String, label: String)] {
        switch role {
        case .counsellor: [("queue", "待機列"), ("handover", "引き継ぎ")]
        case .supervisor: [("queue", "待機列"), ("stats", "統計")]
        case .admin: [("admin", "スタッフと監査ログ")]
        }
    }

    /// The layout every page shares: the header with the navigation and sign-out, the alert region, and `main`.
    static func layout(title: String, page: String, viewer: Viewer?, data: [(String, String?)] = [], _ main: [HTML]) -> String {
        typealias H = HTML
        var head: [HTML] = [
            H.el("meta", [("charset", "utf-8")]),
            H.el("meta", [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
            H.el("title", [], H.text("\(title)｜つなぐ")),
            H.el("link", [("rel", "stylesheet"), ("href", "/console/assets/console.css")]),
        ]
        var body: [HTML] = [H.el("a", [("class", "skip"), ("href", "#main")], H.text("本文へ移動"))]
        if let viewer {
            head.append(H.el("meta", [("name", "csrf-token"), ("content", viewer.csrfToken)]))
            head.append(H.el("script", [("src", "/console/assets/console.js"), ("defer", "")]))
            if ConsoleAssets.named("\(page).js") != nil {
                head.append(H.el("script", [("src", "/console/assets/\(page).js"), ("defer", "")]))
            }
            let links = navigation(for: viewer.role).map { item in
                H.el("a", [("href", "/console/\(item.path)"), ("aria-current", item.path == page ? "page" : nil)], H.text(item.label))
            }
            body.append(
                H.el(
                    "header", [("class", "bar")],
                    H.el("span", [("class", "brand")], H.text("つなぐ")),
                    H.element("nav", [("aria-label", "画面")], links),
                    H.el("span", [("class", "who")], H.text("\(viewer.name)（\(roleLabel(viewer.role))）")),
                    H.el("button", [("type", "button"), ("id", "logout")], H.text("ログアウト"))))
            body.append(
                H.el(
                    "div", [("id", "alert"), ("class", "alert"), ("role", "alert"), ("aria-live", "assertive"), ("hidden", "")],
                    H.el("p", [("id", "alert-text")]),
                    H.el("button", [("type", "button"), ("id", "alert-ack")], H.text("確認しました（音を止める）"))))
        }
        body.append(H.element("main", [("id", "main"), ("tabindex", "-1")], main))
        let bodyAttributes: [(String, String?)] =
            [("data-page", page), ("data-role", viewer?.role.rawValue), ("data-name", viewer?.name), ("data-labels", viewer?.labels)] + data
        return HTML.document(
            H.el("html", [("lang", "ja")], H.element("head", [], head), H.element("body", bodyAttributes, body)))
    }

    static func login(error: String?) -> String {
        typealias H = HTML
        return layout(
            title: "ログイン", page: "login", viewer: nil,
            [
                H.el("h1", [], H.text("つなぐ 相談コンソール")),
                error.map { H.el("p", [("class", "error"), ("role", "alert")], H.text($0)) } ?? .empty,
                H.el(
                    "form", [("method", "post"), ("action", "/console/login"), ("class", "login")],
                    H.el("label", [("for", "token")], H.text("スタッフトークン")),
                    H.el(
                        "input",
                        [("type", "password"), ("id", "token"), ("name", "token"), ("autocomplete", "off"), ("required", ""), ("autofocus", "")]),
                    H.el("p", [("class", "hint")], H.text("管理者から受け取った tsu_ で始まるトークンを貼り付けてください。")),
                    H.el("button", [("type", "submit")], H.text("ログイン"))),
            ])
    }

    static func notFound() -> String {
        layout(
            title: "見つかりません", page: "missing", viewer: nil,
            [HTML.el("h1", [], HTML.text("このページはありません")), HTML.el("p", [], HTML.el("a", [("href", "/console/")], HTML.text("コンソールのはじめに戻る")))])
    }

    static func refused(_ viewer: Viewer, role: String) -> String {
        layout(
            title: "表示できません", page: "refused", viewer: viewer,
            [HTML.el("h1", [], HTML.text("この画面は表示できません")), HTML.el("p", [], HTML.text("この画面には\(role)の役割が必要です。"))])
    }
}
