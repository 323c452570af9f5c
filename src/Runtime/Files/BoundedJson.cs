using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DreamTrainer;

/// <summary>
/// Parses JSON a file on disk holds (a checkpoint's manifest, a checkpoint folder's manifest) as
/// an object, refusing what a crafted file could use against the reader: nesting deeper than
/// <see cref="MaxDepth"/>, a key twice in one object (which value wins would depend on the reader),
/// comments, trailing data, a root that is not an object.
/// </summary>
internal static class BoundedJson
{
    /// <summary>The deepest nesting read; a checkpoint's own manifest nests four levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses <paramref name="utf8"/> as a JSON object; <paramref name="fail"/> makes the exception for a problem.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8, Func<string, Exception?, Exception> fail)
    {
        Validate(utf8, fail);
        try
        {
            return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth })!.AsObject();
        }
        catch (JsonException failure)
        {
            throw fail($"is not valid JSON ({failure.Message})", failure);
        }
    }

    private static void Validate(ReadOnlySpan<byte> utf8, Func<string, Exception?, Exception> fail)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Disallow });
        var keys = new Stack<HashSet<string>?>();
        try
        {
            if (!reader.Read())
            {
                throw fail("is empty, not a JSON object.", null);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw fail($"is a JSON {Describe(reader.TokenType)}, not an object.", null);
            }

            keys.Push(new HashSet<string>(StringComparer.Ordinal));
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        keys.Push(new HashSet<string>(StringComparer.Ordinal));
                        break;
                    case JsonTokenType.StartArray:
                        keys.Push(null);
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        keys.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        string key = reader.GetString()!;
                        if (!keys.Peek()!.Add(key))
                        {
                            throw fail($"has the key \"{Shorten(key)}\" twice in one object (at byte {reader.TokenStartIndex}).", null);
                        }

                        break;
                }
            }
        }
        catch (JsonException failure)
        {
            string problem = reader.CurrentDepth >= MaxDepth - 1
                ? $"nests deeper than {MaxDepth} levels"
                : $"is not valid JSON ({failure.Message})";
            throw fail(problem, failure);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
