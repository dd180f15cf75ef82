package main

// Foreign model formats known to import, export and format detection.
import (
	_ "github.com/rampart-sec/rampart/internal/formats/otm"
	_ "github.com/rampart-sec/rampart/internal/formats/threatcomposer"
	_ "github.com/rampart-sec/rampart/internal/formats/threatdragon"
)
