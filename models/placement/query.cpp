#include "models/placement/query.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "sim/parse_error.hpp"

namespace vmcsim::models::placement {

namespace {
bool is_word_char(char c) {
  return !std::isspace(static_cast<unsigned char>(c)) && c != '(' && c != ')' && c != '[' &&
         c != ']' && c != ',' && c != '=' && c != '!';
}
}  // namespace

// Recursive descent over a token stream; each token keeps its column for error messages.
class QueryParser {
 public:
  QueryParser(std::string_view text, ClusterQuery& out) : text_{text}, out_{out} { tokenize(); }

  void parse() {
    if (tokens_.empty()) fail(0, "an empty expression");
    out_.root_ = expression();
    if (pos_ != tokens_.size()) fail(tokens_[pos_].column, "'and', 'or' or the end");
  }

 private:
  struct Token {
    std::string text;
    std::size_t column;
  };

  [[noreturn]] void fail(std::size_t column, std::string_view expected) const {
    const std::string found =
        pos_ < tokens_.size() ? fmt::format("'{}'", tokens_[pos_].text) : "the end";
    throw sim::ParseError(
        fmt::format("memberOf expression '{}': at column {}: expected {}, found {}", text_,
                    column + 1, expected, found));
  }

  void tokenize() {
    std::size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
        tokens_.push_back({std::string(1, c), i++});
      } else if ((c == '=' || c == '!') && i + 1 < text_.size() && text_[i + 1] == '=') {
        tokens_.push_back({std::string(text_.substr(i, 2)), i});
        i += 2;
      } else if (c == '=' || c == '!') {
        const std::size_t end = std::min(text_.size(), i + 2);
        throw sim::ParseError(
            fmt::format("memberOf expression '{}': at column {}: unsupported operator '{}' "
                        "(supported: ==, !=, in, not_in)",
                        text_, i + 1, text_.substr(i, end - i)));
      } else {
        const std::size_t start = i;
        while (i < text_.size() && is_word_char(text_[i]))
          ++i;
        tokens_.push_back({std::string(text_.substr(start, i - start)), start});
      }
    }
  }

  bool peek(std::string_view t) const { return pos_ < tokens_.size() && tokens_[pos_].text == t; }
  std::size_t column() const { return pos_ < tokens_.size() ? tokens_[pos_].column : text_.size(); }
  void expect(std::string_view t) {
    if (!peek(t)) fail(column(), fmt::format("'{}'", t));
    ++pos_;
  }
  int add(ClusterQuery::Node node) {
    out_.nodes_.push_back(std::move(node));
    return static_cast<int>(out_.nodes_.size() - 1);
  }

  int expression() {
    int left = and_expr();
    while (peek("or")) {
      ++pos_;
      left = add({ClusterQuery::Op::or_, left, and_expr(), {}, {}});
    }
    return left;
  }
  int and_expr() {
    int left = primary();
    while (peek("and")) {
      ++pos_;
      left = add({ClusterQuery::Op::and_, left, primary(), {}, {}});
    }
    return left;
  }
  std::string value() {
    if (pos_ >= tokens_.size() || !is_word_char(tokens_[pos_].text.front()) || peek("and") ||
        peek("or"))
      fail(column(), "a value");
    return tokens_[pos_++].text;
  }
  int primary() {
    if (peek("(")) {
      ++pos_;
      const int inner = expression();
      expect(")");
      return inner;
    }
    if (pos_ >= tokens_.size() || !is_word_char(tokens_[pos_].text.front()))
      fail(column(), "'(' or a key such as attribute:ecs.instance-type");
    std::string key = tokens_[pos_].text;
    const std::size_t key_column = tokens_[pos_].column;
    ++pos_;
    if (key.starts_with("attribute:")) {
      key.erase(0, std::string_view("attribute:").size());
      if (key.empty()) fail(key_column, "an attribute name after 'attribute:'");
    } else if (key != "ec2InstanceId" && key != "instanceId") {
      throw sim::ParseError(
          fmt::format("memberOf expression '{}': at column {}: unsupported key '{}' (supported: "
                      "attribute:NAME, ec2InstanceId, instanceId)",
                      text_, key_column + 1, key));
    }
    ClusterQuery::Node node{ClusterQuery::Op::eq, -1, -1, std::move(key), {}};
    if (peek("==") || peek("!=")) {
      node.op = peek("==") ? ClusterQuery::Op::eq : ClusterQuery::Op::ne;
      ++pos_;
      node.values.push_back(value());
    } else if (peek("in") || peek("not_in")) {
      node.op = peek("in") ? ClusterQuery::Op::in : ClusterQuery::Op::not_in;
      ++pos_;
      expect("[");
      node.values.push_back(value());
      while (peek(",")) {
        ++pos_;
        node.values.push_back(value());
      }
      expect("]");
    } else {
      fail(column(), "an operator (==, !=, in, not_in)");
    }
    return add(std::move(node));
  }

  std::string_view text_;
  ClusterQuery& out_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

ClusterQuery ClusterQuery::parse(std::string_view text) {
  ClusterQuery q;
  q.text_ = std::string(text);
  QueryParser(q.text_, q).parse();
  return q;
}

bool ClusterQuery::matches(
    const std::function<const std::string*(std::string_view)>& lookup) const {
  return eval(root_, lookup);
}

bool ClusterQuery::eval(int index,
                        const std::function<const std::string*(std::string_view)>& lookup) const {
  const Node& n = nodes_[static_cast<std::size_t>(index)];
  switch (n.op) {
    case Op::or_:
      return eval(n.left, lookup) || eval(n.right, lookup);
    case Op::and_:
      return eval(n.left, lookup) && eval(n.right, lookup);
    default:
      break;
  }
  const std::string* v = lookup(n.key);
  const bool listed =
      v != nullptr && std::find(n.values.begin(), n.values.end(), *v) != n.values.end();
  return (n.op == Op::eq || n.op == Op::in) ? listed : !listed;
}

}  // namespace vmcsim::models::placement
