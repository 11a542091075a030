"""Readers of real catalogues, their shared limits, and spreadsheet-safe CSV text.

=====================  ====================================================================
module                 reads
=====================  ====================================================================
``load``               :func:`~simulator.io.load.load_catalogue`: chooses the reader below
``limits``             shared limits, the bounded read, row bookkeeping (no reader of its own)
``kinds``              what is not music (videos, podcasts, audiobooks, booklets...)
``csv_tracks``         CSV / TSV of tracks (Exportify, iTunes' text export, R, Chinook...)
``itunes``             iTunes/Music ``Library.xml``, streamed with expat
``playlists``          M3U / M3U8
``audio_files``        folders, zips and files of audio, with mutagen
``tables``             CSV output, spreadsheet-safe
=====================  ====================================================================

Imports :mod:`simulator.params` and :mod:`simulator.model` only.
"""
