from django.urls import path

from ..views import portfolio

urlpatterns = [
    path("financeurs/", portfolio.portfolio_dashboard, name="portfolio_dashboard"),
    path("financeurs/lignes/<slug:kind>/", portfolio.portfolio_rows, name="portfolio_rows"),
    path("financeurs/partager/<int:programme_pk>/", portfolio.share_list,
         name="share_list"),
    path("financeurs/partages/<int:pk>/revoquer/", portfolio.share_revoke, name="share_revoke"),
    path("financeurs/partages/<uuid:token>/", portfolio.shared_dashboard,
         name="shared_dashboard"),
    path("financeurs/partages/<uuid:token>/lignes/<slug:kind>/", portfolio.shared_rows,
         name="shared_rows"),
]
