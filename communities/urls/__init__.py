"""The communities pages. Each part of the app keeps its routes in its own module."""

from . import structures
from . import notifications
from . import events, codev
from . import spaces

app_name = "communities"

urlpatterns = [
    *structures.urlpatterns,
    *notifications.urlpatterns,
    *events.urlpatterns,
    *codev.urlpatterns,
    *spaces.urlpatterns,
]
