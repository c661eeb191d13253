import ModelfileLang
import Runtime

/// A request's `options` object applied over a model's SamplingOptions, through the one parameter
/// table (`Parameters.options(fromJSON:)`, Ollama's `Options.FromMap`): unknown names are ignored as
/// Ollama does, a known name with a value of the wrong type is a 400 naming it.
enum RequestOptions {
    static func apply(_ options: RequestBody?, to base: SamplingOptions) throws(APIError) -> SamplingOptions {
        guard let options, case .object(let members) = options.value else { return base }
        do {
            return base.overlaid(with: try Parameters.options(fromJSON: members).values)
        } catch {
            throw .badRequest(error.description)
        }
    }
}
