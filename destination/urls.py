app_name = "destination"

urlpatterns = []
