from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from assessments import instrument


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "assessments/home.html", {"chapters": instrument.CHAPTERS})


urlpatterns = [
    path("", home, name="home"),
]
