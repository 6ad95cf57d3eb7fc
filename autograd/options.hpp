#pragma once
// Chainable option setters: DenseOptions(784, 100).activation(Activation::relu).bias(false).
// Each AEGRAD_OPTION(type, name, default) declares a private member `name_`, a setter `name(v)` that
// returns the options object, and a getter `name()`.
#define AEGRAD_OPTION(type, name, default_value)                                                               \
public:                                                                                                        \
    auto& name(type value) {                                                                                   \
        name##_ = value;                                                                                       \
        return *this;                                                                                          \
    }                                                                                                          \
    type name() const { return name##_; }                                                                      \
                                                                                                               \
private:                                                                                                       \
    type name##_ = default_value;
