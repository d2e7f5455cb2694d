'''ModemManager stand-in, a python3-dbusmock template for the end-to-end tests.

Run: python3 -m dbusmock --template tests/e2e/mm_mock.py -l LOG -p '{"modems": [...]}'
with DBUS_SYSTEM_BUS_ADDRESS pointing at a private bus.

The main object /org/freedesktop/ModemManager1 is an ObjectManager with the method
InhibitDevice(uid, inhibit) of org.freedesktop.ModemManager1; each modem is an object
/org/freedesktop/ModemManager1/Modem/N with the org.freedesktop.ModemManager1.Modem
properties Device (its uid) and Ports (a(su): name, MMModemPortType).

As ModemManager does, an inhibition belongs to the caller that asked for it and ends when
that caller asks or leaves the bus. Each change is told on stdout as one line, for the
test to wait on:
  ready
  inhibit UID SENDER rx=N        N: commands the simulator had received (its --log file)
  release UID explicit|disconnect rx=N
  refused UID REASON

Parameters: modems, a list of {"device": UID, "ports": [[NAME, TYPE], ...], and the
Modem properties "model" and "revision" (what ModemManager read of the module)};
simlog, the simulator's log file; refuse, an error to answer every InhibitDevice with
(e.g. "org.freedesktop.DBus.Error.AccessDenied"); hold, true to inhibit but never answer
InhibitDevice (as ModemManager does while it disables a busy modem), told as
  holding UID rx=N
'''
import sys

import dbus
import dbus.service

BUS_NAME = 'org.freedesktop.ModemManager1'
MAIN_OBJ = '/org/freedesktop/ModemManager1'
MAIN_IFACE = 'org.freedesktop.ModemManager1'
MODEM_IFACE = 'org.freedesktop.ModemManager1.Modem'
IS_OBJECT_MANAGER = True
SYSTEM_BUS = True


def tell(*words):
    sys.stdout.write(' '.join(str(w) for w in words) + '\n')
    sys.stdout.flush()


def received(mock):
    '''How many commands the simulator has received so far.'''
    try:
        with open(mock.mm_simlog, errors='replace') as f:
            return sum(1 for line in f if '] rx ' in line)
    except OSError:
        return 0


def load(mock, parameters):
    mock.mm_simlog = parameters.get('simlog', '')
    mock.mm_refuse = parameters.get('refuse', '')
    mock.mm_hold = parameters.get('hold', False)
    mock.mm_unanswered = []
    mock.mm_inhibited = {}  # uid -> (sender, name watch)
    mock.mm_uids = set()
    for number, modem in enumerate(parameters.get('modems', [])):
        ports = dbus.Array([dbus.Struct((dbus.String(name), dbus.UInt32(kind)))
                            for name, kind in modem['ports']], signature='(su)')
        mock.AddObject('%s/Modem/%d' % (MAIN_OBJ, number), MODEM_IFACE,
                       {'Device': dbus.String(modem['device']), 'Ports': ports,
                        'Manufacturer': dbus.String('Quectel'),
                        'Model': dbus.String(modem.get('model', 'EM060K-GL')),
                        'Revision': dbus.String(modem.get('revision', 'EM060KGLAAR01A07M4G'))},
                       [])
        mock.mm_uids.add(modem['device'])
    tell('ready')


def release(mock, uid, how):
    sender, watch = mock.mm_inhibited.pop(uid)
    watch.cancel()
    tell('release', uid, how, 'rx=%d' % received(mock))


@dbus.service.method(MAIN_IFACE, in_signature='sb', out_signature='', sender_keyword='sender',
                     async_callbacks=('answer', 'answer_error'))
def InhibitDevice(self, uid, inhibit, sender=None, answer=None, answer_error=None):
    try:
        inhibit_device(self, uid, inhibit, sender)
    except dbus.exceptions.DBusException as e:
        answer_error(e)
        return
    if inhibit and self.mm_hold:
        self.mm_unanswered.append((answer, answer_error))
        tell('holding', uid, 'rx=%d' % received(self))
        return
    answer()


def inhibit_device(self, uid, inhibit, sender):
    if self.mm_refuse:
        tell('refused', uid, self.mm_refuse)
        raise dbus.exceptions.DBusException('not authorized to control the device',
                                            name=self.mm_refuse)
    if uid not in self.mm_uids:
        raise dbus.exceptions.DBusException('no device with uid ' + uid,
                                            name=MAIN_IFACE + '.Error.Core.NotFound')
    if not inhibit:
        if uid not in self.mm_inhibited or self.mm_inhibited[uid][0] != sender:
            raise dbus.exceptions.DBusException('not inhibited by this caller',
                                                name=MAIN_IFACE + '.Error.Core.InvalidArgs')
        release(self, uid, 'explicit')
        return
    if uid in self.mm_inhibited:
        raise dbus.exceptions.DBusException('already inhibited',
                                            name=MAIN_IFACE + '.Error.Core.InProgress')

    def on_owner(owner):
        if not owner and uid in self.mm_inhibited and self.mm_inhibited[uid][0] == sender:
            release(self, uid, 'disconnect')

    rx = received(self)
    self.mm_inhibited[uid] = (sender, self.connection.watch_name_owner(sender, on_owner))
    tell('inhibit', uid, sender, 'rx=%d' % rx)
