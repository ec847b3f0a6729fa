import Hummingbird
import StewardHTTP

extension Request {
    /// The `window` query parameter of `GET /v1/stats`: whole seconds or minutes (`5s`, `90s`, `5m`)
    /// from 1 s to 15 min; absent is `nil`.
    ///
    /// - Throws: ``APIError`` 400 naming the parameter and what was expected.
    func statsWindow() throws -> Duration? {
        guard let text = uri.queryParameters.get("window") else { return nil }
        let expected = "query parameter 'window' is '\(text)'; expected whole seconds or minutes from 1s to 15m, such as 5s or 5m"
        guard let unit = text.last, unit == "s" || unit == "m", text.count <= 8,
            let number = Int64(text.dropLast()), number > 0
        else { throw APIError.badRequest(expected) }
        let window = Duration.seconds(unit == "m" ? number * 60 : number)
        guard window <= ReleaseWindow.longest else { throw APIError.badRequest(expected) }
        return window
    }
}
