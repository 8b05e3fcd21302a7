// A minimal move-only std::function (C++23's std::move_only_function is not in GCC 12's C++20
// mode). Used for callbacks that own move-only things, such as an Asio completion handler.
// Deliberately move-construct only at call sites that hold Asio handlers (see DESIGN.md: a
// moved-assigned any_completion_handler recurses in Boost 1.81); this wrapper itself is safe
// to move-assign because it only swaps a unique_ptr.
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace uptime::util {

template <typename Signature>
class move_only_function;

template <typename R, typename... Args>
class move_only_function<R(Args...)> {
 public:
  move_only_function() = default;
  move_only_function(std::nullptr_t) {}

  template <typename F, typename = std::enable_if_t<
                            !std::is_same_v<std::decay_t<F>, move_only_function> &&
                            std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
  move_only_function(F&& f)  // NOLINT(google-explicit-constructor): callable conversion
      : impl_(std::make_unique<model<std::decay_t<F>>>(std::forward<F>(f))) {}

  move_only_function(move_only_function&&) noexcept = default;
  move_only_function& operator=(move_only_function&&) noexcept = default;

  explicit operator bool() const noexcept { return impl_ != nullptr; }
  R operator()(Args... args) { return impl_->call(std::forward<Args>(args)...); }

 private:
  struct concept_t {
    virtual ~concept_t() = default;
    virtual R call(Args... args) = 0;
  };
  template <typename F>
  struct model final : concept_t {
    explicit model(F&& f) : f_(std::move(f)) {}
    explicit model(const F& f) : f_(f) {}
    R call(Args... args) override { return f_(std::forward<Args>(args)...); }
    F f_;
  };
  std::unique_ptr<concept_t> impl_;
};

}  // namespace uptime::util
