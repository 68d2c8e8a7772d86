#pragma once
// ClusterQuery: the subset of the ECS cluster query language used by `memberOf` constraints.
//
//   expression := and_expr { "or" and_expr }
//   and_expr   := primary { "and" primary }            ("and" binds tighter than "or")
//   primary    := "(" expression ")" | key "==" value | key "!=" value
//               | key "in" "[" value {"," value} "]" | key "not_in" "[" ... "]"
//   key        := "attribute:NAME" | "ec2InstanceId" | "instanceId"
//   e.g.  attribute:ecs.instance-type in [t2.small, t2.medium] and
//         (attribute:ecs.availability-zone == us-east-1a or attribute:rack != r9)
// Source: Amazon ECS developer guide, "Cluster query language". Not supported: the pattern
// operator `=~`, numeric comparisons, `exists`, task-group expressions (they throw).
// A key the node lacks compares as absent: `==` and `in` are false, `!=` and `not_in` true.
// Parse errors throw sim::ParseError naming the column and what was expected.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace vmcsim::models::placement {

using Labels = std::map<std::string, std::string, std::less<>>;

class ClusterQuery {
 public:
  static ClusterQuery parse(std::string_view text);
  // `lookup(key)` returns the node's value for a key ("attribute:x" already stripped to "x",
  // ec2InstanceId kept as is), or nullptr when absent.
  bool matches(const std::function<const std::string*(std::string_view)>& lookup) const;
  const std::string& text() const { return text_; }

 private:
  enum class Op { or_, and_, eq, ne, in, not_in };
  struct Node {
    Op op;
    int left = -1, right = -1;  // or_/and_: children indices
    std::string key;
    std::vector<std::string> values;
  };
  friend class QueryParser;
  bool eval(int node, const std::function<const std::string*(std::string_view)>& lookup) const;
  std::string text_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

}  // namespace vmcsim::models::placement
