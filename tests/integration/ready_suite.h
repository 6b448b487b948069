// The suite most tests start from: one ready Aurora-shaped cluster (logical
// replication in effect, wal_sender_timeout = 0) with the ClickPipes login role,
// replication granted. Each test then makes its own ready database
// (ready_login) or, when the suite asked for it, shares the database "app".
#pragma once

#include <string>

#include "scenario.h"
#include "suite_server.h"

namespace cdcpreflight::integration {

class ReadyAuroraSuite : public ServerSuite {
 protected:
  enum class AppDatabase { no, yes };

  // From SetUpTestSuite().
  static void start_ready_cluster(const PgServerOptions& options = ready_aurora(),
                                  AppDatabase app = AppDatabase::no) {
    start_server(options, [app](PgServer& server) {
      create_login_role(server, kClickpipesUser, ReplicationGrant::granted);
      if (app == AppDatabase::yes) create_ready_database(server, "app", kClickpipesUser);
    });
  }

  static void SetUpTestSuite() { start_ready_cluster(); }
  static void TearDownTestSuite() { stop_server(); }

  // This test's database, ready for clickpipes_user.
  [[nodiscard]] static Login ready_login() {
    create_ready_database(server(), test_slug(), kClickpipesUser);
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), test_slug()};
  }

  // The shared database "app" (AppDatabase::yes), as clickpipes_user.
  [[nodiscard]] static Login app_login() {
    return Login{server(), std::string(kClickpipesUser), std::string(kRolePassword), "app"};
  }
};

}  // namespace cdcpreflight::integration
