#pragma once
// The four ways vmcsim runs a service instance.
#include <optional>
#include <string_view>

namespace vmcsim::models {

enum class PlatformKind {
  vm,               // hypervisor + full guest OS (KVM, EC2)
  microvm,          // minimal VMM + minimal guest (Firecracker, Fargate)
  container,        // shares the host kernel (runc, gVisor, Kata)
  container_in_vm,  // a container on a VM node (ECS container instance, EKS worker node)
};

std::string_view to_string(PlatformKind kind);
// "vm", "microvm", "container", "container_in_vm"; nullopt for anything else.
std::optional<PlatformKind> parse_platform_kind(std::string_view text);

}  // namespace vmcsim::models
