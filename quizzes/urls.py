from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("", views.home, name="home"),
    path("sets/<slug:key>/", views.quizset, name="quizset"),
    path("sets/<slug:key>/start/", views.start, name="start"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/<int:position>/", views.question, name="question"),
    path("attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:pk>/results/", views.results, name="results"),
    path("attempts/<int:pk>/retake/", views.retake_missed, name="retake"),
    path("sources/<slug:key>/", views.source, name="source"),
    path("questions/<slug:external_id>/preview/", views.preview, name="preview"),
    path("accounts/signup/", views.signup, name="signup"),
]
