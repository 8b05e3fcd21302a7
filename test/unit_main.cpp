// The Catch2 runner for every unit test in test/ (the tests themselves mirror lib/).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
