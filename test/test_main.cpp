// The one translation unit that owns Boost.Test's main(); every test executable links it.
#define BOOST_TEST_MODULE asyncsvr
#include <boost/test/unit_test.hpp>
